"""Scans through OpenCV + PaddleOCR (PP-OCRv5 on ONNX Runtime), against the truth.

The committed scans (docs/scan-samples.md) cover 300/200/150 dpi, skew up to 3°, noise, blur,
JPEG down to quality 40, a sideways page, and PDF/TIFF/JPG containers.
"""

import json

import cv2
import numpy as np
import pytest
from helpers import FIXTURES, SAMPLES, SEED_002, load_truth, report_cells, truth_cells

pytestmark = [pytest.mark.ocr, pytest.mark.slow]

SCANS = SAMPLES / "scans"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    from flows.document import process_document

    out = tmp_path_factory.mktemp("scans")
    cache = {}

    def run(name):
        if name not in cache:
            cache[name] = process_document(SCANS / name, out / name, name).model_dump(mode="json")
        return cache[name]

    return run


def wrong_cells(report, seed):
    got, want = report_cells(report), truth_cells(load_truth(seed))
    cells = {(t, c["row"], c["col"]): c for t, tb in report["tables"].items() for c in tb["cells"]}
    return {k: cells.get(k) for k, v in want.items() if got.get(k, "∅") != v}


def test_clean_300dpi_pdf_reads_every_cell(scanned):
    report = scanned("000_de4a6e6b343917dd.clean300.pdf")
    assert report["source"]["format"] == "pdf" and report["source"]["pages"] == 3
    assert wrong_cells(report, "000_de4a6e6b343917dd") == {}
    assert report["checks"] == [] and report["status"] == "ok"
    cell = next(
        c
        for c in report["tables"]["applications"]["cells"]
        if (c["row"], c["col"]) == ("new_received", "natural_person")
    )
    assert cell["page"] == 1 and cell["value"] == 2111 and cell["confidence"] >= 0.9
    x0, y0, x1, y1 = cell["bbox"]  # PDF points on the scanned page
    assert 0 < x0 < x1 < 596 and 0 < y0 < y1 < 843


def test_source_error_survives_scanning_as_a_source_error(scanned):
    report = scanned(f"{SEED_002}.office200.tiff")
    assert report["source"]["format"] == "image"
    assert wrong_cells(report, SEED_002) == {}
    failed = [
        (c["rule"], c["where"], c["expected"], c["found"], c["cause"]) for c in report["checks"]
    ]
    assert failed[:2] == [
        ("applications.balance", "col=natural_person", 719, 705, "source"),
        ("applications.balance", "col=commercial", 40, 54, "source"),
    ]
    assert all(c["rule"] == "text.restated" for c in report["checks"][2:])
    assert report["status"] == "ok"
    # Nothing the identities touched was moved to make them hold.
    assert not any(
        c["row"] in ("new_received", "carried_over", "total_processed", "carried_forward")
        for c in report["corrections"]
    )


def test_poor_150dpi_scan_reads_every_cell(scanned):
    report = scanned("003_e8e0dec984916c3b.poor150.pdf")
    assert wrong_cells(report, "003_e8e0dec984916c3b") == {}
    assert report["status"] == "ok" and report["checks"] == []
    assert (report["agency"], report["year"]) == ("北京市石景山区人民政府", 2022)
    # Its blurred "3", read "B" until crops were stretched (engine.stretched), is read right.
    assert report["corrections"] == []


def test_sideways_photo_is_turned_and_read(scanned):
    report = scanned("004_35a7a0986a780ec4.rotated90.p4.jpg")
    assert any("旋转" in w for w in report["warnings"])
    got = report_cells(report)
    want = truth_cells(load_truth("004_35a7a0986a780ec4"))
    apps = {k: v for k, v in want.items() if k[0] == "applications"}
    assert {k: got.get(k) for k in apps} == apps
    # Only this page was given: the other two tables are missing, so it needs review.
    assert report["status"] == "needs_review"


def test_sideways_landscape_page_of_table_four_is_turned_by_its_reading(tmp_path):
    """Its ink alone reads as upright (table 四's headers stand a character a line): the
    recogniser tells the turn, and table 四 is read, where it was lost."""
    from flows.document import process_document

    page = FIXTURES / "landscape_sideways_p4.jpg"
    report = process_document(page, tmp_path / "out", page.name).model_dump(mode="json")
    assert report["source"]["scanned_pages"] == [{"page": 1, "turned": 90}]
    want = truth_cells(load_truth(SEED_002))
    table_four = {k: v for k, v in want.items() if k[0] == "reviews_litigation"}
    assert {k: report_cells(report).get(k) for k in table_four} == table_four


def test_upside_down_page_of_table_two_is_told_by_its_label_not_its_zeros():
    """Its largest cells are three 0s, which read at 1.0 either way, and one label: the label
    alone tells the turn (0.6 as it lies, 0.97 turned)."""
    import cv2

    from ocr.reader import read_page

    page = read_page(cv2.imread(str(FIXTURES / "upside_down_table2_p2.jpg"), 0), 2)
    assert page.turned == 180
    assert [[c.text for c in row] for grid in page.grids for row in grid.rows()] == [
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "5", "9", "15"],
    ]


def test_upright_page_of_numbers_only_is_not_turned_for_a_one_read_as_a_letter():
    """Table 四's last row alone on a page (150 dpi): its largest cells are numbers, and one "1"
    read "I" at 0.1 as it lay and "T" at 0.35 turned; taken for a label, it turned the page
    upside down, and the table was lost. Turned, its "3"s read "E": the page stays upright."""
    import cv2

    from ocr.reader import read_page

    page = read_page(cv2.imread(str(FIXTURES / "numbers_only_table4_p5.jpg"), 0), 5)
    assert page.turned == 0
    (row,) = page.grids[0].rows()
    assert [row[i].text for i in (0, 4, 5, 9)] == ["3", "5", "2", "3"]


def test_upside_down_page_of_numbers_only_is_turned_by_its_ones_and_twos():
    """Table 四's last row alone on an upside-down page (150 dpi): its largest cells are all 0s,
    which read alike both ways. Left as it lay, the row was read back to front, its 1s under
    the wrong headers as sure 0s. Every inked cell is read both ways then, and its 1s and 2 tell."""
    import cv2

    from ocr.reader import read_page

    band = cv2.imread(str(FIXTURES / "upside_down_numbers_only_table4_p4.jpg"), 0)
    page = np.full((3509, 2481), int(np.median(band)), np.uint8)  # the thresholds scale with it
    page[2550 : 2550 + band.shape[0]] = band
    read = read_page(page, 4, text=False)
    assert read.turned == 180
    (row,) = read.grids[0].rows()
    assert [c.text for c in row] == list("110020001100000")


def test_a_faint_one_row_continuation_with_rules_in_dashes_is_one_table_of_its_numbers():
    """Table 四's data row alone at the top of a faint gray scan (200 dpi), its rules printed in
    dashes: no stretch of a row rule was long enough to be found, nor of two column rules. It
    was read as three tables, "18" and "106" as one cell, and table 四 was lost."""
    import cv2

    from ocr.reader import read_page

    band = cv2.imread(str(FIXTURES / "faint_dashed_one_row_p9.jpg"), 0)
    page = np.full((2339, 1654), int(np.median(band)), np.uint8)  # the thresholds scale with it
    page[120 : 120 + band.shape[0]] = band
    (grid,) = read_page(page, 9, text=False).grids
    (row,) = grid.rows()
    numbers = ["75", "5", "8", "18", "106", "14", "8", "6", "13", "41", "10", "1", "2", "5", "18"]
    assert [c.text for c in row] == numbers


def test_a_faint_one_row_continuation_keeps_its_gapped_column_rules():
    """Table 四's data row alone at the top of a faint gray scan (200 dpi, a fresh draw's), no
    top rule: a column rule was broken into two dashes, each shorter than a rule is looked for,
    and its dots ran on through a gap in the bottom rule into the text below. Taken for a
    label's strokes, it was left out: "2 | 0" and "2 | 0" were read as "210" and "2.10" (the
    rule's remnant a 1), 13 cells for 15, and table 四 was lost."""
    from ocr.reader import read_page

    band = cv2.imread(str(FIXTURES / "faint_gapped_one_row_no_top_rule_p5.jpg"), 0)
    page = np.full((2339, 1654), int(np.median(band)), np.uint8)  # the thresholds scale with it
    page[100 : 100 + band.shape[0]] = band
    (grid,) = read_page(page, 5, text=False).grids
    (row,) = grid.rows()
    # The first number (12) stands left of where the bottom rule is found: read blank, flagged.
    assert len(row) == 15
    numbers = ["2", "0", "0", "14", "7", "0", "0", "0", "7", "2", "0", "0", "0", "2"]
    assert [c.text for c in row[1:]] == numbers


def test_a_fax_rule_found_over_a_third_of_a_row_and_dotted_below_still_parts_its_cells():
    """Table 四's data row on a fax (its header on the page before): the light rule between the
    first two numbers is found at the row's top and falls apart into dots below; read as one
    cell, the dots read as a 1 ("010") and the table was lost."""
    from extractors.image import enlarged, load_pages
    from ocr.reader import read_page

    image = enlarged(load_pages(FIXTURES / "fax_dotted_rules_p9.tiff")[0])[0]
    data_row = [c.text for c in read_page(image, 9).grids[-1].rows()[-1]]
    assert data_row[:4] == ["0", "0", "0", "0"] and "1" not in "".join(data_row)


def test_a_fax_one_row_continuation_keeps_its_dotted_column_rules():
    """Table 四's data row alone on a fax page: two column rules fell apart into dots down the
    whole row, shorter than a dotted rule is looked for on a page; as tall as the rules beside
    them, they part "1 | 1" and "0 | 0" (15 numbers were read as 13 cells, the row lost)."""
    (row,) = fax_rows("fax_one_row_continuation_p5.tiff", 5)
    assert row == ["1", "1", "0", "0", "2", "0", "0", "0", "1", "1", "0", "0", "0", "0", "0"]


def test_two_labels_strokes_one_above_the_other_are_no_rule_of_dots():
    """Table 二's last rows on a fax: 容 of 信息内容 over 采 of 政府集中采购 run down across the
    rule between them, as tall as the broken rules beside them; they cut the labels in two
    (政府集中身 | 购) and the row was lost."""
    rows = fax_rows("fax_labels_one_above_the_other_p2.tiff", 2)
    assert ["政府集中采购", "11", "35.6万元"] in rows


def test_a_glyph_in_line_with_its_twin_in_the_row_below_is_no_rule_of_dots():
    """Table 三's first two rows on a fax: both labels end in 申请数量, their 申 one above the
    other, and the fax left a gap in the rule between them. The two strokes passed for a rule
    of dots; it cut both labels (本年新收政府信息公开 | 3请数量), and both rows were lost."""
    rows = fax_rows("fax_two_labels_in_line_p3.tiff", 3)
    assert ["本年新收政府信息公开申请数量", "286", "31", "0", "2", "4", "3", "326"] in rows
    assert ["上年结转政府信息公开申请数量", "12", "2", "0", "0", "0", "0", "14"] in rows


def test_a_column_rule_along_a_seals_ring_still_divides():
    """Table 二 on a fax, a seal's ring running along the rule between 本年废止件数 and 现行有效
    件数, joined to it: the rule was taken out with the ring, and the two columns were read as
    one ("0 0", "30 192"), lost."""
    rows = fax_rows("fax_seal_along_a_column_rule_p2.tiff", 2)
    assert ["规章", "0", "0", "0"] in rows
    assert ["行政规范性文件", "70", "30", "192"] in rows


def fax_rows(name: str, page: int) -> list[list[str]]:
    from extractors.image import enlarged, load_pages
    from ocr.reader import read_page

    image = enlarged(load_pages(FIXTURES / name)[0])[0]
    return [[c.text for c in row] for grid in read_page(image, page).grids for row in grid.rows()]


def test_a_fax_header_rule_kept_in_dots_parts_two_headers_where_the_row_below_is_ruled():
    """Table 四 on a fax: the light rule between 尚未审结 and 总计 of 未经复议直接起诉 kept dots
    over 18% of its row, too few to be a rule by itself; the data row below is ruled there.
    The two headers were read as one cell, and the table was lost."""
    rows = fax_rows("fax_dotted_header_table4_p5.tiff", 5)
    leaves = ["结\n果\n维\n持", "结\n果\n纠\n正", "其\n他\n结\n果", "尚\n未\n审\n结", "总\n计"]
    assert leaves * 2 in rows


def test_a_fax_column_rule_fallen_apart_into_dots_far_apart_still_divides():
    """Table 四 on a fax: the light rules before 总计 of 行政复议 and of 未经复议直接起诉 kept
    dots up to 23 px apart (43% of the rule inked). Two pairs of columns were read as one, and
    the table was lost."""
    rows = fax_rows("fax_dots_far_apart_table4_p3.tiff", 3)
    assert ["0"] * 15 in rows


def test_a_seals_stroke_beside_a_fax_column_rule_does_not_move_it():
    """Table 四 on a fax, a seal over 复议后起诉: its star's stroke stood 13 px from the rule
    between 结果维持 and 结果纠正. Taken as the rule printed twice, the two made a rule halfway,
    off both, and 10 | 1 were read as one cell "101" (the table lost)."""
    rows = fax_rows("fax_seal_stroke_beside_a_rule_p3.tiff", 3)
    assert [
        "75",
        "5",
        "8",
        "18",
        "106",
        "14",
        "8",
        "6",
        "13",
        "41",
        "10",
        "1",
        "2",
        "5",
        "18",
    ] in rows


def test_a_fax_rule_under_a_seal_still_divides():
    """Table 四 on a fax, a seal over its data row: the rules under it lost their dashes among
    the seal's strokes, and three numbers were joined to the headers above them (the table
    lost). The numbers under the seal's text stay unread, each in its own cell."""
    rows = fax_rows("fax_seal_over_table4_numbers_p5.tiff", 5)
    numbers = next(r for r in rows if r[:2] == ["75", "5"])
    assert len(numbers) == 15
    assert numbers[:10] == ["75", "5", "8", "18", "106", "14", "8", "6", "13", "41"]
    assert numbers[-1] == "18"


def test_a_speck_past_the_end_of_a_fax_rule_of_dots_makes_no_column():
    """Table 三's continuation on a fax: a speck 32 px past the end of its top rule, a rule of
    dots, ran the rule on past the table's side, where a side border was put back. The row
    below had a number cell too many, and was lost."""
    rows = fax_rows("fax_speck_past_a_rule_of_dots_p3.tiff", 3)
    assert rows[0][2:] == ["2.没有现成信息需要另行制作", "4", "0", "0", "0", "0", "0", "4"]


def test_a_fax_label_is_not_cut_where_a_column_rule_of_other_rows_runs():
    """（一）予以公开 spans the group labels' column rule of the rows below; the paper beside a
    bracket is no lost rule (it was cut into （-） | 以公开, and the row was lost)."""
    rows = fax_rows("fax_label_gap_p3.tiff", 3)
    # Its "0"s are read "0", "()" or "(0" as the recogniser sees them: the cells are the test.
    assert [r[:4] + r[-1:] for r in rows if len(r) == 9 and r[1] == "（-）以公开"] == [
        ["本年\n度办\n结\n果", "（-）以公开", "84", "5", "89"]
    ]


def test_a_fax_table_with_its_border_doubled_and_a_row_rule_in_dashes_keeps_its_rows():
    """Table 二 on a fax: its left border printed twice 16 px apart made a column that joined
    行政规范性文件 to the two rows below it, its row rule broken into dashes a few pixels apart."""
    rows = fax_rows("fax_doubled_border_p1.tiff", 1)
    at = rows.index(["规章", "0", "0", "0"])
    assert rows[at + 1] == ["行政规范性\n文件", "5", "9", "15"]


@pytest.mark.parametrize(
    "page, agency, year",
    [
        ("fax_title_p1.tiff", "北京市朝阳区政务服务管理局", 2023),  # rows of specks between
        ("fax_title_speck_bands_p1.tiff", "江苏省清河县人民政府", 2019),  # more specks than lines
        ("faint150_title_p1.jpg", "北京市石景山区人民政府", 2022),  # light print, blurred
        # two lines, the agency's the widest: read at a second width too (人 lost at the first)
        ("faint_two_line_title_p1.jpg", "北京市丰台区人民政府花乡街道办事处", 2023),
    ],
)
def test_title_page_is_read_through_a_faxs_specks_and_a_light_print(page, agency, year):
    from canonical.metadata import agency_and_year
    from extractors import extract

    assert agency_and_year(extract(FIXTURES / page, "image").body_text) == (agency, year)


def test_a_title_line_whose_characters_are_dropped_at_every_width_is_read_in_halves():
    """A phone photo's title line, cut as the route cuts it: the recogniser read it without 方
    and 工 at every width from 0.5 to 1.0 of it, sure of itself (0.97-0.999); each half alone
    it reads whole."""
    from ocr.reader import _fullest_readings

    line = cv2.imread(str(FIXTURES / "photo_title_line_p1.png"), cv2.IMREAD_GRAYSCALE)
    (reading,) = _fullest_readings([line], page_width=2800)
    assert reading.text == "四方台区2023年政府信息公开工作年度报告"


def test_page_images_in_a_folder_are_one_report_only_when_the_user_says_so(tmp_path):
    from PIL import Image, ImageSequence

    from cli.main import main
    from flows.inputs import find_documents

    pages = tmp_path / "inbox" / "朝阳区2023"
    pages.mkdir(parents=True)
    with Image.open(SCANS / f"{SEED_002}.office200.tiff") as tiff:
        for n, frame in enumerate(ImageSequence.Iterator(tiff), start=1):
            frame.convert("L").save(pages / f"page{n}.png", dpi=(200, 200))
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    assert [j.doc_id for j in find_documents([inbox], out)] == [
        "朝阳区2023/page1.png",
        "朝阳区2023/page2.png",
        "朝阳区2023/page3.png",
    ]

    assert main(["run", str(inbox), "--one-report", str(pages), "--out", str(out)]) == 0
    report = json.loads((out / "朝阳区2023" / "report.json").read_text(encoding="utf-8"))
    assert (report["source"]["format"], report["source"]["pages"]) == ("image", 3)
    assert wrong_cells(report, SEED_002) == {}
    assert [c["cause"] for c in report["checks"][:2]] == ["source", "source"]
    assert not (out / "朝阳区2023" / "page1.png").exists()


def test_upside_down_png_page_is_turned_and_read(scanned):
    report = scanned("001_1c640710511402cf.rotated180.p5.png")
    assert any("旋转 180°" in w for w in report["warnings"])
    assert report["source"]["scanned_pages"] == [{"page": 1, "turned": 180}]
    # Page 5 holds the applications table from （三）3 on, and table 四.
    wrong = wrong_cells(report, "001_1c640710511402cf")
    assert {k for k, c in wrong.items() if c is None or "missing" not in c["flags"]} == {
        k for k in wrong if k[0] == "active_disclosure"
    }
    assert len([k for k in wrong if k[0] == "applications"]) == 42  # rows on page 4
    assert report["status"] == "needs_review"
