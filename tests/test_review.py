"""`nianbao review`: the page in a real headless Chromium, corrections, and what it refuses.

Chromium is Debian's /usr/bin/chromium (`make setup` installs it), driven by Playwright for
Python; `playwright install` is never run.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import re
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import SAMPLES, SEED_002
from PIL import Image

from canonical.review import apply_corrections
from canonical.series import alone
from flows.document import process_document
from model.report import Report
from model.review_log import ClerkCorrection
from outputs.atomic import atomic_write_bytes
from outputs.layout import CSV_ENCODING, REVIEW_NAME
from outputs.lock import OutputLock
from outputs.review_log import reapply_review
from outputs.run_files import refresh_run_outputs, write_run_outputs
from review.server import ReviewServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
GAP = "keep/002_gap.txt"  # needs_review (a row is missing); never changed by a test
EDIT = "2023/002_gap.txt"  # the same, corrected in the browser
PDF = "2023/002.pdf"
TEXT = "002.txt"  # ok, with the source's own errors
EMPTY = "empty.txt"  # failed
TIFF = "scan.tiff"  # a two-page image (report made here, no OCR)
LOCKED = "later/002.txt"  # corrected while another nianbao holds OUT's lock
LICENSING = ("active_disclosure", "licensing", "decisions")


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    inputs, out = root / "in", root / "out"
    inputs.mkdir()
    seed = (SAMPLES / "text" / f"{SEED_002}.txt").read_text(encoding="utf-8")
    assert "\t行政许可\n\t0\n\n" in seed
    (inputs / "002_gap.txt").write_text(
        seed.replace("\t行政许可\n\t0\n\n", "", 1), encoding="utf-8"
    )
    (inputs / "empty.txt").write_bytes(b"")
    files = {
        GAP: inputs / "002_gap.txt",
        EDIT: inputs / "002_gap.txt",
        PDF: SAMPLES / "pdf" / f"{SEED_002}.noto-serif-sc.pdf",
        TEXT: SAMPLES / "text" / f"{SEED_002}.txt",
        EMPTY: inputs / "empty.txt",
        LOCKED: SAMPLES / "text" / f"{SEED_002}.txt",
    }
    reports = [(doc, process_document(path, out / doc, doc)) for doc, path in files.items()]
    # A scan's report without OCR: the text report's cells on a two-page TIFF.
    tiff = inputs / "scan.tiff"
    Image.new("L", (400, 300), 255).save(
        tiff, save_all=True, append_images=[Image.new("L", (300, 500), 255)]
    )
    scan = json.loads((out / TEXT / "report.json").read_text(encoding="utf-8"))
    scan["source"].update(
        file=str(tiff),
        format="image",
        pages=2,
        sha256=hashlib.sha256(tiff.read_bytes()).hexdigest(),
    )
    for cell in scan["tables"]["applications"]["cells"]:
        cell.update(page=2, bbox=[10, 10, 60, 40])
    atomic_write_bytes(out / TIFF / "report.json", json_bytes(scan))
    reports.append((TIFF, Report.model_validate(scan)))
    write_run_outputs([doc for doc, _ in reports], out)
    # Outside OUT: a document folder next to it, and a symlink from inside OUT to it.
    (root / "secret").mkdir()
    (root / "secret" / "report.json").write_text(json.dumps(scan), encoding="utf-8")
    (out / "link").symlink_to(root / "secret")
    (out / "linked_report").mkdir()
    (out / "linked_report" / "report.json").symlink_to(root / "secret" / "report.json")
    # Inside OUT, but naming a file that is not the one read (its sha256 differs).
    forged = json.loads((out / PDF / "report.json").read_text(encoding="utf-8"))
    forged["source"]["file"] = "/etc/passwd"
    atomic_write_bytes(out / "forged.pdf" / "report.json", json_bytes(forged))
    return {"out": out, "files": files, "secret": root / "secret"}


@pytest.fixture(scope="module")
def server(docs):
    server = ReviewServer(docs["out"], "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    page.close()
    assert not errors


def get(server, path: str, headers: dict | None = None) -> tuple[int, str, bytes]:
    """GET `path` exactly as written (no client-side normalisation of '..')."""
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    try:
        conn.request("GET", path, headers={"X-Nianbao-Token": server.token, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()


def doc_url(server, doc: str) -> str:
    return f"{server.url}#doc={quote(doc, safe='')}"


def cell_selector(table: str, row: str, col: str) -> str:
    return f'td[data-table="{table}"][data-row="{row}"][data-col="{col}"]'


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def report_cell(report: dict, table: str, row: str, col: str) -> dict:
    return next(c for c in report["tables"][table]["cells"] if (c["row"], c["col"]) == (row, col))


# ---- (a) the list ----------------------------------------------------------------------------


@pytest.mark.browser
def test_list_shows_documents_needing_review_and_filters_the_others(server, page):
    from playwright.sync_api import expect

    page.goto(server.url)
    needing = page.locator(f'#documents tbody tr[data-doc="{GAP}"]')
    expect(needing).to_be_visible()
    expect(needing).to_contain_text("needs_review")
    expect(needing).to_contain_text("北京市朝阳区政务服务管理局")
    expect(needing).to_contain_text("2023")
    expect(needing.locator("td.unsure")).to_have_text("1")
    expect(needing.locator("td.checks")).to_contain_text("3")
    expect(page.locator(f'tr[data-doc="{TEXT}"]')).to_have_count(0)  # ok: not by default
    page.select_option("#filter-status", "")
    for doc in (TEXT, PDF, EMPTY):
        expect(page.locator(f'tr[data-doc="{doc}"]')).to_be_visible()
    expect(page.locator(f'tr[data-doc="{EMPTY}"]')).to_contain_text("failed")
    for link in ("link", "linked_report"):  # symlinks to outside OUT are not followed
        expect(page.locator(f'tr[data-doc="{link}"]')).to_have_count(0)
    page.select_option("#filter-status", "failed")
    expect(page.locator("#documents tbody tr")).to_have_count(1)
    page.select_option("#filter-status", "")
    page.locator(f'tr[data-doc="{PDF}"]').click()
    expect(page.locator("#doc-title")).to_have_text(PDF)


# ---- (b) a correction through the browser ---------------------------------------------------


@pytest.mark.browser
def test_correction_in_browser_rewrites_outputs_and_checks(server, page, docs):
    from playwright.sync_api import expect

    folder = docs["out"] / EDIT
    page.goto(doc_url(server, EDIT))
    cell = page.locator(cell_selector(*LICENSING))
    expect(page.locator("#doc-status")).to_contain_text("needs_review")
    expect(cell).to_have_class(re.compile(r"\bunsure\b"))
    expect(page.locator("#page-pane")).to_be_hidden()  # a text document has no page image

    cell.click()
    page.fill("#edit-value", "0")
    page.click("#edit-save")
    expect(page.locator("#saved")).to_have_text("已保存 saved")
    expect(page.locator("#doc-status")).to_contain_text("ok")
    expect(cell).to_have_class(re.compile(r"\breviewed\b"))

    # The body text says 行政复议15件 and the table 14: correcting the table moves the failure.
    page.click(cell_selector("reviews_litigation", "review", "total"))
    expect(page.locator('#check-list li[data-rule="text.restated"]')).to_have_count(1)
    page.fill("#edit-value", "15")
    page.press("#edit-value", "Enter")
    expect(page.locator('#check-list li[data-rule="text.restated"]')).to_have_count(0)
    row_total = page.locator('#check-list li[data-rule="reviews_litigation.row_total"]')
    expect(row_total).to_have_count(1)
    # The other copies of the report in OUT still print 14: a series check against each, with
    # a link to it.
    copies = page.locator('#check-list li[data-rule="series.duplicate"] a')
    expect(copies).to_have_count(5)
    expect(copies.first).to_have_attribute("href", "#doc=" + quote(TEXT, safe=""))
    expect(page.locator("#history-list li")).to_have_count(2)

    # Something that is not a count is refused, and nothing is written.
    page.click(cell_selector("applications", "new_received", "natural_person"))
    page.fill("#edit-value", "7O6")
    page.press("#edit-value", "Enter")
    expect(page.locator("#edit-error")).to_contain_text("不是非负整数")

    report = read_json(folder / "report.json")
    assert report["status"] == "ok"
    assert report["review"]["machine_status"] == "needs_review"
    assert report["review"]["reviewed_cells"] == 2
    licensing = report_cell(report, *LICENSING)
    assert licensing["value"] == 0 and licensing["confidence"] == 1.0
    assert "reviewed" in licensing["flags"] and "missing" not in licensing["flags"]
    assert licensing["machine"]["value"] is None and "missing" in licensing["machine"]["flags"]
    assert report_cell(report, "reviews_litigation", "review", "total")["machine"]["value"] == 14
    own = [c for c in report["checks"] if not c["rule"].startswith("series.")]
    assert {(c["rule"], c["where"]) for c in own} == {
        ("applications.balance", "col=natural_person"),
        ("applications.balance", "col=commercial"),
        ("reviews_litigation.row_total", "row=review"),
    }
    # The other copies of seed 002 in OUT still print 14: the corrected one disagrees with each.
    duplicates = [c for c in report["checks"] if c["rule"] == "series.duplicate"]
    assert sorted((c["other_document"], c["expected"], c["found"]) for c in duplicates) == [
        (doc, 14, 15) for doc in sorted((GAP, PDF, TEXT, TIFF, LOCKED))
    ]
    assert {c["where"] for c in duplicates} == {"reviews_litigation:review:total"}
    assert report["summary"]["unsure_cells"] == 0
    assert report["summary"]["failed_checks"] == len(report["checks"])

    review = read_json(folder / REVIEW_NAME)
    assert [
        (c["table"], c["row"], c["col"], c["old"], c["new"]) for c in review["corrections"]
    ] == [(*LICENSING, None, 0), ("reviews_litigation", "review", "total", 14, 15)]
    assert all(
        re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]", c["time"]) for c in review["corrections"]
    )
    assert review["source_sha256"] == report["source"]["sha256"]

    wide = (folder / "active_disclosure.csv").read_text(encoding=CSV_ENCODING)
    assert re.search(r"^licensing,行政许可,,,,0,$", wide, re.M)
    long = (folder / "cells.csv").read_text(encoding=CSV_ENCODING)
    assert re.search(r"^reviews_litigation,review,total,.*,15,,15,1\.0,,,reviewed", long, re.M)
    listing = (docs["out"] / "documents.csv").read_text(encoding=CSV_ENCODING)
    assert re.search(rf"^{re.escape(EDIT)},.*,ok,", listing, re.M)
    assert re.search(rf"^{re.escape(GAP)},.*,needs_review,", listing, re.M)
    assert (docs["out"] / "summary.html").is_file()

    # A rerun of the pipeline on the same input keeps the corrections: the same bytes, once the
    # run's files have put the series checks back.
    before = (folder / "report.json").read_bytes()
    rerun = process_document(docs["files"][EDIT], folder, EDIT).model_dump(mode="json")
    assert rerun["status"] == "ok"
    refresh_run_outputs(docs["out"])
    assert (folder / "report.json").read_bytes() == before


@pytest.mark.browser
def test_pdf_page_boxes_are_drawn_and_follow_the_table(server, page):
    from playwright.sync_api import expect

    page.goto(doc_url(server, PDF))
    expect(page.locator("#page-bar button.on")).to_have_attribute("data-page", "3")
    expect(page.locator("#page-svg rect.box.failed")).to_have_count(6)  # page 3's part
    expect(page.locator("#page-svg image")).to_have_attribute("width", re.compile(r"^595\."))
    page.click(cell_selector("applications", "carried_forward", "natural_person"))
    expect(page.locator("#page-bar button.on")).to_have_attribute("data-page", "4")
    expect(page.locator("#page-svg rect.selected")).to_have_attribute(
        "data-ref", "applications|carried_forward|natural_person"
    )
    page.locator('#check-list li[data-rule="applications.balance"]').first.click()
    expect(page.locator("td.focus")).to_have_count(4)


# ---- (c) nothing outside OUT ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path, status",
    [
        ("/../../../../etc/passwd", 404),
        ("/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 404),
        ("/api/../../../etc/passwd", 404),
        ("/api/document?id=../secret", 403),
        ("/api/document?id=%2e%2e%2fsecret", 403),
        ("/api/document?id=%2e%2e/%2e%2e/%2e%2e/etc", 403),
        ("/api/document?id=2023/../../secret", 403),
        ("/api/document?id=/etc", 403),
        ("/api/document?id=link", 403),  # a symlink inside OUT to a folder outside
        ("/api/document?id=linked_report", 403),  # a report.json that is a symlink to outside
        ("/api/page?id=../secret&n=1", 403),
        ("/api/page?id=%2Fetc&n=1", 403),
        ("/api/document?id=2023", 404),  # inside OUT, but no report there
        ("/api/document?id=", 404),
        ("/api/page?id=forged.pdf&n=1", 404),  # names a file other than the one it read
        (f"/api/page?id={quote(TEXT)}&n=1", 404),  # text: no page image
        (f"/api/page?id={quote(PDF)}&n=9", 404),
    ],
)
def test_paths_outside_the_output_folder_are_refused(server, path, status):
    code, _, body = get(server, path)
    assert code == status, body
    assert b"root:" not in body


def test_absolute_document_id_and_foreign_host_are_refused(server, docs):
    secret = quote(str(docs["secret"]), safe="")
    assert get(server, f"/api/document?id={secret}")[0] == 403
    assert get(server, f"/api/page?id={secret}&n=2")[0] == 403
    assert get(server, "/api/documents", {"Host": "evil.example:80"})[0] == 403
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    conn.request(
        "POST",
        "/api/correct",
        body="id=x",
        headers={"Content-Type": "text/plain", "X-Nianbao-Token": server.token},
    )
    assert conn.getresponse().status == 415
    conn.close()


# ---- (d) page images ------------------------------------------------------------------------


def test_page_image_of_a_pdf_is_a_png(server):
    code, content_type, body = get(server, f"/api/page?id={quote(PDF)}&n=3")
    assert (code, content_type) == (200, "image/png")
    assert body.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(body)).size == (1191, 1684)  # A4 at 2 pixels per point


@pytest.mark.browser
def test_page_image_of_a_multipage_tiff_is_its_frame(server, page):
    from playwright.sync_api import expect

    code, content_type, body = get(server, f"/api/page?id={TIFF}&n=2")
    assert (code, content_type) == (200, "image/png")
    assert Image.open(io.BytesIO(body)).size == (300, 500)
    assert get(server, f"/api/page?id={TIFF}&n=3")[0] == 404
    page.goto(doc_url(server, TIFF))
    expect(page.locator("#page-bar button.on")).to_have_attribute("data-page", "2")
    expect(page.locator("#page-svg")).to_have_attribute("viewBox", "0 0 300 500")
    expect(page.locator("#page-svg rect.box")).to_have_count(175)


def test_correction_while_a_run_writes_refreshes_the_run_files_after_it(server, docs):
    out = docs["out"]
    listing = out / "documents.csv"

    def line() -> str:
        lines = listing.read_text(encoding=CSV_ENCODING).splitlines()
        return next(l for l in lines if l.startswith(LOCKED + ","))

    # failed checks, source errors, series failures, unsure cells, error: as they stand (the
    # browser test above, when it runs first, has corrected another copy's 行政复议 total)
    agency = "北京市朝阳区政务服务管理局,朝阳区政务服务管理局"
    prefix = f",ok,{agency},2023,2021,"
    assert prefix in line()
    before = line().split(prefix)[1]
    failed, source, series, unsure = (int(v) for v in before.split(",")[:4])
    body = json.dumps(
        {
            "id": LOCKED,
            "table": "applications",
            "row": "new_received",
            "col": "natural_person",
            "text": "700",
        }
    )
    with OutputLock(out):  # as a `nianbao run` into OUT would
        conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
        conn.request(
            "POST",
            "/api/correct",
            body=body,
            headers={"Content-Type": "application/json", "X-Nianbao-Token": server.token},
        )
        assert conn.getresponse().status == 200
        conn.close()
        # The document's own outputs are written at once; the run's files wait for the lock.
        assert (
            report_cell(
                read_json(out / LOCKED / "report.json"),
                "applications",
                "new_received",
                "natural_person",
            )["value"]
            == 700
        )
        time.sleep(0.5)
        assert line().endswith(prefix + before)
    deadline = time.monotonic() + 20
    while line().endswith(prefix + before) and time.monotonic() < deadline:
        time.sleep(0.1)
    # 700 against the other copies' 706: one more series failure with each of the five, and a
    # failed balance of its own.
    after = (failed + 6, source + 6, series + 5, unsure)
    assert line().endswith(prefix + ",".join(map(str, after)) + ",")


# ---- canonical/review.py without a browser --------------------------------------------------


def json_bytes(report: dict) -> bytes:
    return Report.model_validate(report).to_json()


def read_model(path: Path) -> Report:
    return Report.from_json(path.read_bytes())


def clerk(*corrections: dict) -> list[ClerkCorrection]:
    return [ClerkCorrection.model_validate(c) for c in corrections]


def as_json(report: Report) -> dict:
    return report.model_dump(mode="json")


def test_apply_corrections_is_idempotent_and_reversible(docs):
    # A document alone: its series checks (copies corrected above disagree with it) are the
    # run's, made again with the run's files (outputs/run_files.py).
    report = alone(read_model(docs["out"] / TEXT / "report.json"))
    assert as_json(apply_corrections(report, [])) == as_json(report)
    corrections = clerk(
        {
            "table": "applications",
            "row": "new_received",
            "col": "natural_person",
            "new": 692,
            "text": "692",
        },
        {"table": "reviews_litigation", "row": "review", "col": "total", "new": 15, "text": "15"},
    )
    once = apply_corrections(report, corrections)
    assert as_json(apply_corrections(once, corrections)) == as_json(once)
    # the machine's reading is all still there
    assert as_json(apply_corrections(once, [])) == as_json(report)
    assert {(c.rule, c.where) for c in once.checks} == {
        ("applications.balance", "col=commercial"),
        ("applications.row_total", "row=new_received"),
        ("reviews_litigation.row_total", "row=review"),
    }


def test_rerun_on_a_changed_input_does_not_apply_old_corrections(docs, tmp_path):
    report = read_model(docs["out"] / TEXT / "report.json")
    review = {
        "schema_version": 1,
        "source_sha256": "0" * 64,
        "corrections": [
            {
                "table": "reviews_litigation",
                "row": "review",
                "col": "total",
                "old": 14,
                "new": 15,
                "text": "15",
                "time": "2024-01-01T00:00:00+08:00",
            }
        ],
    }
    (tmp_path / REVIEW_NAME).write_text(json.dumps(review), encoding="utf-8")
    kept = as_json(reapply_review(report, tmp_path))
    assert kept["tables"] == as_json(report)["tables"] and "review" not in kept
    assert "没有应用" in kept["warnings"][-1]
    review["source_sha256"] = report.source.sha256
    (tmp_path / REVIEW_NAME).write_text(json.dumps(review), encoding="utf-8")
    assert (
        report_cell(
            as_json(reapply_review(report, tmp_path)), "reviews_litigation", "review", "total"
        )["value"]
        == 15
    )


def test_corrections_that_cannot_apply_are_reported_once(docs):
    report = read_model(docs["out"] / TEXT / "report.json")
    stray = clerk({"table": "applications", "row": "no_such_row", "col": "total", "new": 1})
    once = apply_corrections(report, stray)
    assert as_json(once)["tables"] == as_json(report)["tables"]
    assert apply_corrections(once, stray).warnings == once.warnings
    assert sum("没有应用" in w for w in once.warnings) == 1
    blank_all = clerk(
        *(
            {"table": t, "row": c.row, "col": c.col, "new": None}
            for t, table in report.tables.items()
            for c in table.cells
        )
    )
    kept = apply_corrections(report, blank_all)
    assert as_json(kept)["tables"] == as_json(report)["tables"] and kept.status == report.status
    assert apply_corrections(kept, blank_all).warnings == kept.warnings
