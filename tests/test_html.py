"""Web pages (HTML, MHTML): every cell of every sample against the truth, charsets, page chrome,
Word-pasted markup, spans, detection by content, and bad pages."""

import http.server
import os
import threading
import time
from pathlib import Path

import pytest
from helpers import SAMPLES, SEED_002, load_truth, report_cells, truth_cells
from test_seeds import EXPECTED_AGENCY_YEAR

from extractors import detect_format, extract
from extractors import html as html_route
from extractors.errors import UnreadableDocument
from extractors.html import parse
from model.limits import LimitExceeded, Limits

HTML = SAMPLES / "html"
IMAGES_SEED = "000_de4a6e6b343917dd"
IMAGES = HTML / f"images_{IMAGES_SEED}.html"  # its tables are images: read by OCR
PAGES = sorted(p.name for p in HTML.iterdir() if p.is_file() and p != IMAGES)
CMS = HTML / f"cms_gbk_{SEED_002}.html"
TABLE_PNG = HTML / f"images_{IMAGES_SEED}_files" / "table3.png"
SAFE_CELL_FLAGS = {"low_confidence", "reread", "ink_without_text", "in_failed_check"}


def seed_of(name: str) -> str:
    return "_".join(Path(name).stem.split("_")[-2:])


@pytest.mark.parametrize("name", PAGES)
def test_every_cell_matches_truth(process, name):
    report = process(HTML / name)
    seed = seed_of(name)
    assert report["source"]["format"] == ("mhtml" if name.endswith(".mhtml") else "html")
    got, want = report_cells(report), truth_cells(load_truth(seed))
    assert len(want) == 200
    assert got == want
    assert report["template"] == "2021"
    assert (report["agency"], report["year"]) == EXPECTED_AGENCY_YEAR[seed]
    assert report["tables"]["applications"]["other_layout"] == "split"


def test_samples_cover_every_seed_and_the_hard_pages():
    assert {seed_of(n) for n in PAGES if n.endswith(".html") and n[0].isdigit()} == set(
        EXPECTED_AGENCY_YEAR
    )
    assert CMS.exists() and any(n.endswith(".mhtml") for n in PAGES)


@pytest.mark.parametrize("page", [HTML / f"{SEED_002}.html", CMS])
def test_seed_002_source_errors_still_reported(process, page):
    report = process(page)
    failed = [
        (c["rule"], c["where"], c["expected"], c["found"], c["cause"]) for c in report["checks"]
    ]
    assert failed == [
        ("applications.balance", "col=natural_person", 719, 705, "source"),
        ("applications.balance", "col=commercial", 40, 54, "source"),
        ("text.restated", "text=行政复议15件", 15, 14, "source"),
    ]
    assert report["status"] == "ok"
    cells = {(t, c["row"], c["col"]): c for t, tb in report["tables"].items() for c in tb["cells"]}
    blank = cells[("applications", "denied.internal_affairs", "commercial")]
    # On the CMS page that cell holds Word's <o:p>&nbsp;</o:p>: still blank.
    assert (blank["value"], blank["text"], blank["flags"]) == (None, "", ["blank"])


def test_gbk_page_declared_gb2312_is_decoded_as_gb18030(tmp_path):
    data = CMS.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b'charset="gb2312"' in data
    extraction = extract(CMS, detect_format(CMS))
    assert "北京市朝阳区政务服务管理局" in extraction.body_text
    # 堃 and 镕 are GBK, not GB2312: a page declaring gb2312 holds them all the same.
    page = tmp_path / "gbk.htm"
    page.write_bytes(
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "</head><body><p>张堃 朱镕基 政府信息公开</p></body></html>".encode("gbk")
    )
    assert extract(page, detect_format(page)).body_text == "张堃 朱镕基 政府信息公开"


def test_undeclared_gbk_page_is_detected(tmp_path):
    page = tmp_path / "page.html"
    text = (
        "<html><body>"
        + "<p>北京市朝阳区人民政府政府信息公开工作年度报告</p>" * 20
        + "</body></html>"
    )
    page.write_bytes(text.encode("gb18030"))
    assert "北京市朝阳区人民政府" in extract(page, "html").body_text


def test_page_chrome_is_not_body_text():
    body = extract(CMS, "html").body_text
    assert body.startswith("北京市朝阳区政务服务管理局\n2023年政府信息公开工作年度报告\n")
    for chrome in [
        "首页",  # nav
        "当前位置",  # breadcrumb
        "栏目导航",  # sidebar
        "分享到",  # share bar
        "京ICP备",  # footer
        "统计代码",  # script
        "font-family",  # style
        "无障碍浏览",  # top bar
        "首都之窗",  # header and <title>
        "DocumentProperties",  # Word's conditional comment
    ]:
        assert chrome not in body, chrome


def test_table_split_over_two_tables_and_layout_wrapper():
    extraction = extract(CMS, "html")
    # 二, 三 in two pieces, 四: the layout table around them is not a grid.
    assert len(extraction.tables) == 4
    second = extraction.tables[2].rows()
    assert second[0][0].text.startswith("5.属于三类内部事务信息")


def test_spans_shift_cells_right_as_in_docx():
    extraction = parse(
        "<table><tr><td rowspan=2>a</td><td colspan=2>b</td><td rowspan=3>c</td></tr>"
        "<tr><td>d</td><td>e</td></tr>"
        "<tr><td colspan=3>f</td></tr></table>"
    )
    (grid,) = extraction.tables
    assert [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in grid.cells] == [
        (0, 0, 2, 1, "a"),
        (0, 1, 1, 2, "b"),
        (0, 3, 3, 1, "c"),
        (1, 1, 1, 1, "d"),
        (1, 2, 1, 1, "e"),
        (2, 0, 1, 3, "f"),
    ]


def test_word_markup_cell_text():
    extraction = parse(
        "<table class=MsoNormalTable><tr><td><p class=MsoNormal><span lang=EN-US>"
        "<span style='font-family:仿宋'>商业</span><br>\n企业<o:p></o:p></span></p></td>"
        "<td><p class=MsoNormal><span>&nbsp;<o:p></o:p></span></p></td>"
        "<td><p>（三）不予<br>公开</p><p>&nbsp;1 2 </p></td></tr></table>"
    )
    assert [c.text for c in extraction.tables[0].cells] == [
        "商业\n企业",
        "",
        "（三）不予\n公开\n1 2",
    ]


def test_nested_table_is_read_not_its_layout_wrapper():
    extraction = parse(
        "<table><tr><td><p>正文第一段</p><table><tr><td>1</td><td>2</td></tr></table>"
        "<p>正文第二段</p></td></tr></table>"
    )
    assert [[c.text for c in g.cells] for g in extraction.tables] == [["1", "2"]]
    assert extraction.body_text == "正文第一段\n正文第二段"


def test_cell_limit_counts_span_positions(tmp_path):
    page = tmp_path / "big.html"
    page.write_text('<table><tr><td colspan="1000" rowspan="1">x</td></tr></table>')
    with pytest.raises(LimitExceeded):
        extract(page, "html", limits=Limits(max_cells=999))
    assert len(extract(page, "html").tables[0].cells) == 1
    with pytest.raises(LimitExceeded):
        extract(page, "html", limits=Limits(max_part_mb=0.00001))


def test_html_is_told_by_content(tmp_path, process):
    page = tmp_path / "report.txt"  # the name lies; the content decides
    page.write_bytes(b"\xef\xbb\xbf\n  " + (HTML / f"{SEED_002}.html").read_bytes())
    assert detect_format(page) == "html"
    report = process(page)
    assert report["source"]["format"] == "html"
    assert report_cells(report) == truth_cells(load_truth(SEED_002))
    assert detect_format(SAMPLES / "text" / f"{SEED_002}.txt") == "text"
    assert detect_format(SAMPLES / "docx" / f"{SEED_002}.docx") == "docx"
    assert detect_format(CMS) == "html"
    for mhtml in HTML.glob("*.mhtml"):
        assert detect_format(mhtml) == "mhtml"
    lone_table = tmp_path / "table.dat"
    lone_table.write_text("<TABLE border=1><tr><td>1</td></tr></TABLE>", encoding="utf-8")
    assert detect_format(lone_table) == "html"
    text = tmp_path / "notes.txt"
    text.write_text("政府信息公开 <table> 不是网页\n", encoding="utf-8")
    assert detect_format(text) == "text"


def test_mhtml_part_charset_comes_from_its_headers(tmp_path):
    page = "<html><body><p>北京市朝阳区政府信息公开工作年度报告</p></body></html>".encode("gbk")
    archive = tmp_path / "page.mht"
    archive.write_bytes(
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/html; charset=gbk\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + page + b"\r\n--B--\r\n"
    )
    assert detect_format(archive) == "mhtml"
    assert extract(archive, "mhtml").body_text == "北京市朝阳区政府信息公开工作年度报告"


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><head><title>x</title></head><body>  </body></html>",
        b"<html><body><script>var a = 1;</script><nav>\xe9\xa6\x96\xe9\xa1\xb5</nav></body></html>",
    ],
)
def test_empty_page_fails_cleanly(process, tmp_path, data):
    page = tmp_path / "empty.html"
    page.write_bytes(data)
    report = process(page)
    assert report["status"] == "failed"
    assert report["tables"] == {}
    assert "空" in report["error"]
    with pytest.raises(UnreadableDocument):
        extract(page, "html")


def test_undecodable_page_fails_cleanly(process, tmp_path):
    page = tmp_path / "garbage.html"
    noise = bytes((i * 73 + 41) % 256 for i in range(3000)).replace(b"\x00", b"")
    page.write_bytes(b'<html><meta charset="utf-8"><body>' + noise + b"</body></html>")
    report = process(page)
    assert report["status"] == "failed"
    assert report["tables"] == {}
    assert report["error"] and "Traceback" not in report["error"]


def test_speed_per_document():
    pages = [HTML / name for name in PAGES]
    for page in pages:  # warm up imports
        extract(page, detect_format(page))
    start = time.perf_counter()
    for page in pages:
        extract(page, detect_format(page))
    per_document = (time.perf_counter() - start) / len(pages)
    print(f"\nHTML route: {per_document:.4f} s/document over {len(pages)} pages (goal ≤ 0.05)")


# --- tables published as images ----------------------------------------------------------------


@pytest.mark.ocr
def test_image_page_reads_every_cell(process):
    start = time.perf_counter()
    report = process(IMAGES)
    print(f"\nimage page: {time.perf_counter() - start:.1f} s/document")
    assert report["source"]["format"] == "html"
    want = truth_cells(load_truth(IMAGES_SEED))
    cells = {(t, c["row"], c["col"]): c for t, tb in report["tables"].items() for c in tb["cells"]}
    assert set(cells) == set(want)
    wrong = {k: (cells[k]["value"], v) for k, v in want.items() if cells[k]["value"] != v}
    print(f"image page: {len(want) - len(wrong)}/{len(want)} cells right")
    # A wrong cell is never unflagged in an ok document.
    for key in wrong:
        assert report["status"] == "needs_review", (key, wrong[key])
        assert set(cells[key]["flags"]) & SAFE_CELL_FLAGS, (key, wrong[key], cells[key])
    assert report["template"] == "2021"
    assert (report["agency"], report["year"]) == EXPECTED_AGENCY_YEAR[IMAGES_SEED]
    # Each image is a page of its own, read by OCR.
    pages = {c["page"] for tb in report["tables"].values() for c in tb["cells"] if c.get("page")}
    assert pages <= {1, 2, 3} and len(pages) >= 2


@pytest.mark.ocr
def test_image_page_extraction():
    extraction = extract(IMAGES, "html")
    assert extraction.pages == 3
    assert set(extraction.scanned_pages) == {1, 2, 3}
    # The icon and the spacer are skipped silently; the remote logo is in the top bar: chrome.
    assert extraction.warnings == []
    assert [{c.page for c in g.cells} for g in extraction.tables] == [{1}, {2}, {3}]
    assert "北京市丰台区人民政府" in extraction.body_text


def _page(folder: Path, body: str) -> Path:
    page = folder / "report.html"
    page.write_text(
        f"<html><body><h1>政府信息公开工作年度报告</h1>{body}<p>正文</p></body></html>",
        encoding="utf-8",
    )
    return page


def test_missing_image_warns_and_the_table_is_missing(tmp_path):
    page = _page(tmp_path, '<p><img src="report_files/table1.png"></p>')
    extraction = extract(page, "html")
    assert extraction.tables == []
    assert extraction.pages is None and extraction.scanned_pages == {}
    assert extraction.warnings == ["网页中的表格图片“report_files/table1.png”不存在，无法读取。"]


@pytest.fixture
def never_read(monkeypatch):
    """Any image data reaching the decoder fails the test; the refusals come before."""

    def refuse(self, data, src):
        raise AssertionError(f"read {src}")

    monkeypatch.setattr(html_route._PageImages, "_decode", refuse)


def test_images_outside_the_page_folder_are_refused(tmp_path, never_read):
    page_folder = tmp_path / "site"
    (page_folder / "report_files").mkdir(parents=True)
    # The file outside is a FIFO: opening it for reading would block the test for ever.
    secret = tmp_path / "secret.png"
    os.mkfifo(secret)
    (page_folder / "report_files" / "link.png").symlink_to(secret)
    (page_folder / "report_files" / "dirlink").symlink_to(tmp_path, target_is_directory=True)
    sources = [
        "../secret.png",
        "report_files/../../secret.png",
        "report_files/%2e%2e%2fsecret.png",
        str(secret),
        f"file://{secret}",
        "report_files/link.png",
        "report_files/dirlink/secret.png",
        "C:\\Users\\secret.png",
    ]
    page = _page(page_folder, "".join(f'<img src="{s}">' for s in sources))
    extraction = extract(page, "html")
    assert extraction.tables == [] and extraction.pages is None
    assert len(extraction.warnings) == len(sources)
    for source, warning in zip(sources, extraction.warnings, strict=True):
        assert "不在网页所在的文件夹里" in warning, (source, warning)
    assert "“../secret.png”" in extraction.warnings[0]


def test_fifo_inside_the_folder_is_not_read(tmp_path, never_read):
    (tmp_path / "report_files").mkdir()
    os.mkfifo(tmp_path / "report_files" / "table1.png")
    extraction = extract(_page(tmp_path, '<img src="report_files/table1.png">'), "html")
    assert extraction.warnings == [
        "网页中的表格图片“report_files/table1.png”不是普通文件，未读取。"
    ]


def test_remote_images_are_never_fetched(tmp_path, never_read):
    requests = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(TABLE_PNG.read_bytes())

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host = f"127.0.0.1:{server.server_port}"
        sources = [f"http://{host}/table1.png", f"https://{host}/t.png", f"//{host}/t.png"]
        page = _page(tmp_path, "".join(f'<img src="{s}">' for s in sources))
        extraction = extract(page, "html")
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []
    assert extraction.tables == []
    assert extraction.warnings == [
        f"网页中的表格图片“{s}”在网络上，不会联网下载，未读取。" for s in sources
    ]


def test_icons_and_spacers_are_skipped_without_warning(tmp_path):
    folder = HTML / f"images_{IMAGES_SEED}_files"
    page = tmp_path / "p.html"
    page.write_text(
        f'<p>正文<img src="{folder.name}/print.png"><img src="{folder.name}/spacer.gif"></p>'
    )
    (tmp_path / folder.name).mkdir()
    for name in ("print.png", "spacer.gif"):
        (tmp_path / folder.name / name).write_bytes((folder / name).read_bytes())
    extraction = extract(page, "html")
    assert extraction.warnings == [] and extraction.pages is None


@pytest.mark.ocr
def test_data_uri_image_is_read_and_limits_hold(tmp_path):
    import base64

    uri = "data:image/png;base64," + base64.b64encode(TABLE_PNG.read_bytes()).decode()
    page = _page(tmp_path, f'<img src="{uri}">')
    extraction = extract(page, "html")
    assert extraction.pages == 1 and extraction.scanned_pages == {1: 0}
    assert extraction.tables and {c.page for c in extraction.tables[0].cells} == {1}
    with pytest.raises(LimitExceeded):
        extract(page, "html", limits=Limits(max_megapixels=0.1))
    two = _page(tmp_path, f'<img src="{uri}"><img src="{uri}">')
    with pytest.raises(LimitExceeded):
        extract(two, "html", limits=Limits(max_frames=1))
