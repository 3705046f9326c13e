"""Web pages (HTML, MHTML): every cell of every sample against the truth, charsets, page chrome,
Word-pasted markup, spans, detection by content, and bad pages."""

import time
from pathlib import Path

import pytest
from helpers import SAMPLES, SEED_002, load_truth, report_cells, truth_cells
from test_seeds import EXPECTED_AGENCY_YEAR

from extractors import detect_format, extract
from extractors.errors import UnreadableDocument
from extractors.html import parse
from model.limits import LimitExceeded, Limits

HTML = SAMPLES / "html"
PAGES = sorted(p.name for p in HTML.iterdir())
CMS = HTML / f"cms_gbk_{SEED_002}.html"


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
    pages = sorted(HTML.iterdir())
    for page in pages:  # warm up imports
        extract(page, detect_format(page))
    start = time.perf_counter()
    for page in pages:
        extract(page, detect_format(page))
    per_document = (time.perf_counter() - start) / len(pages)
    print(f"\nHTML route: {per_document:.4f} s/document over {len(pages)} pages (goal ≤ 0.05)")
