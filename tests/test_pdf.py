"""Born-digital PDFs: a real WPS export (hzq2023) cell by cell, and PDFs that must not pass."""

import io

import pytest
from helpers import FIXTURES, SAMPLES, SEED_002, load_truth, report_cells, truth_cells
from PIL import Image
from pypdf import PdfReader, PdfWriter

HZQ = SAMPLES / "real" / "hzq2023_working.pdf"
BUDGET = FIXTURES / "not_a_report_budget_2024.pdf"


@pytest.fixture(scope="module")
def hzq(tmp_path_factory):
    from flows.document import process_document

    return process_document(HZQ, tmp_path_factory.mktemp("hzq") / "out", "hzq2023.pdf").model_dump(
        mode="json"
    )


def test_hzq2023_every_cell_matches_truth(hzq):
    truth = load_truth("hzq2023")
    assert report_cells(hzq) == truth_cells(truth)
    assert len(report_cells(hzq)) == 161 + 10 + 15  # （六） printed as a single row
    assert hzq["tables"]["applications"]["other_layout"] == "single"
    assert (hzq["agency"], hzq["year"]) == (truth["agency"], truth["year"])
    assert hzq["source"]["format"] == "pdf" and hzq["source"]["pages"] == 5


def test_hzq2023_review_table_breaks_identity_4_in_the_source(hzq):
    failed = [(c["rule"], c["where"], c["expected"], c["found"], c["cause"]) for c in hzq["checks"]]
    assert failed == [
        ("reviews_litigation.row_total", "row=review", 11, 0, "source"),
        ("reviews_litigation.row_total", "row=suit_after_review", 5, 0, "source"),
    ]
    assert hzq["status"] == "ok"  # every cell read exactly: the printed table is inconsistent


def test_hzq2023_cells_keep_page_and_bbox_across_page_breaks(hzq):
    cells = {(t, c["row"], c["col"]): c for t, tb in hzq["tables"].items() for c in tb["cells"]}
    # The outcome table starts on page 3 and continues on page 4 under （四）无法提供, whose
    # label stays on page 3; the active-disclosure table runs from page 2 to page 3.
    assert cells[("applications", "unable.needs_creation", "natural_person")]["page"] == 3
    assert cells[("applications", "unable.unclear", "natural_person")]["page"] == 4
    assert cells[("active_disclosure", "licensing", "decisions")]["page"] == 2
    assert cells[("active_disclosure", "penalty", "decisions")]["page"] == 3
    assert all(c["page"] and len(c["bbox"]) == 4 for c in cells.values())
    x0, top, x1, bottom = cells[("applications", "new_received", "total")]["bbox"]
    assert 0 < x0 < x1 <= 595 and 0 < top < bottom <= 842
    assert all(
        c["confidence"] == 1.0 and c["flags"] in ([], ["in_failed_check"]) for c in cells.values()
    )


def test_budget_document_is_not_a_report(process):
    report = process(BUDGET)
    assert report["status"] == "failed" and report["error_code"] == "not_a_report"
    assert report["tables"] == {} and report["source"]["pages"] == 24


def test_encrypted_pdf(process, tmp_path):
    writer = PdfWriter(clone_from=PdfReader(HZQ))
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    report = process(path)
    assert report["status"] == "failed" and "加密" in report["error"]


def test_damaged_pdf(process, tmp_path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(HZQ.read_bytes()[:100_000])
    report = process(path)
    assert report["status"] == "failed" and "损坏" in report["error"]


@pytest.mark.ocr
def test_blank_scanned_pdf_is_not_an_empty_success(process, tmp_path):
    path = tmp_path / "scan.pdf"
    Image.new("RGB", (1240, 1754), "white").save(path)
    report = process(path)
    assert report["status"] == "failed" and report["error_code"] == "not_a_report"
    assert any("OCR" in w and "第 1 页" in w for w in report["warnings"])


@pytest.mark.ocr
def test_invisible_text_layer_counts_as_a_scan(process, tmp_path):
    path = tmp_path / "ocr-layer.pdf"
    path.write_bytes(_pdf_with_text("12 34 56 78 90 " * 8, render_mode=3))
    report = process(path)
    assert report["error_code"] == "not_a_report"
    assert any("OCR" in w for w in report["warnings"])  # the page went to the scan route
    visible = tmp_path / "visible.pdf"
    visible.write_bytes(_pdf_with_text("12 34 56 78 90 " * 8, render_mode=0))
    report = process(visible)
    assert report["error_code"] == "not_a_report" and report["warnings"] == []


def _pdf_with_text(text: str, render_mode: int) -> bytes:
    """A one-page PDF drawing `text` in Helvetica with the given text render mode."""
    stream = f"BT /F1 10 Tf {render_mode} Tr 50 700 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


SEED_PDFS = sorted((SAMPLES / "pdf").glob("*.pdf"))


@pytest.mark.parametrize("path", SEED_PDFS, ids=lambda p: p.name)
def test_seed_pdf_every_cell_and_check(process, path):
    seed = path.name.split(".")[0]
    report = process(path)
    assert report["source"]["format"] == "pdf"
    assert report_cells(report) == truth_cells(load_truth(seed))
    failed = [(c["rule"], c["where"], c["cause"]) for c in report["checks"]]
    if seed == SEED_002:
        assert failed == [
            ("applications.balance", "col=natural_person", "source"),
            ("applications.balance", "col=commercial", "source"),
            ("text.restated", "text=行政复议15件", "source"),
        ]
    else:
        assert failed == []
    assert report["status"] == "ok"


@pytest.mark.parametrize(
    "path",
    [HZQ, SEED_PDFS[0], SEED_PDFS[1], SAMPLES / "t2019" / "pdf" / "t2019_qinghe_county.pdf"],
    ids=lambda p: p.name,
)
def test_pdfium_pages_give_pdfplumbers_grids(path):
    """Pages are read by PDFium (extractors/native.py), not by pdfminer: the grids must be
    those pdfplumber's own parse gives, to the cell text and the bbox as written out.
    hzq2023 has vertical writing (WPS), the seeds LibreOffice's two fonts."""
    import pdfplumber
    import pypdfium2

    from extractors import pdf
    from extractors.native import PDFIUM, read_page

    def cells(grid):
        return [
            (c.row, c.col, c.rowspan, c.colspan, c.text, [round(v, 2) for v in c.bbox])
            for c in grid.cells
        ]

    with pdfplumber.open(path) as plumbed:
        expected = [
            cells(pdf._grid(t.cells, [dict(c, index=i) for i, c in enumerate(page.chars)], n))
            for n, page in enumerate(plumbed.pages, start=1)
            for t in page.find_tables()
        ]
    with PDFIUM:
        document = pypdfium2.PdfDocument(path)
        try:
            contents = [read_page(page) for page in document]
        finally:
            document.close()
    got = [
        cells(grid)
        for n, content in enumerate(contents, start=1)
        for grid in pdf._read_page(content, n)[0]
    ]
    assert got == expected and len(expected) >= 3
