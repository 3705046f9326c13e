"""Rows are matched by label, tolerant to how reports print them; both （六） layouts."""

import docx
import pytest
from docx.oxml import parse_xml
from helpers import SAMPLES, load_truth

from canonical.checks import run_checks
from canonical.corrections import CONFIRMED_BY_IDENTITIES, confirm
from canonical.mapping import (
    OPEN_ZERO,
    LabelledTableMatcher,
    SingleRowMatcher,
    _second_value,
    rebuild,
)
from canonical.templates import DEFAULT, t2019
from extractors.docx import read_table
from extractors.text import parse
from model.grid import GridCell

SEED = "000_de4a6e6b343917dd"
TWO_COLUMNS = ("commercial", "research")


def seed_text() -> str:
    return (SAMPLES / "text" / f"{SEED}.txt").read_text(encoding="utf-8")


def values(doc, table="applications"):
    return {(c.row, c.col): c.value for c in doc.tables[table].cells}


def test_other_as_a_single_row_older_layout():
    text = seed_text()
    start = text.index("\t（六）其他处理")
    end = text.index("\t（七）总计")
    # 20+51+80, 3+0+6, …, 23+51+86: the three rows of seed 000 added up, printed as one.
    single = (
        "\t（六）其他处理\n" + "\n".join(f"\t{v}" for v in (151, 9, 0, 0, 0, 0, 160)) + "\n\n\t\n"
    )
    text = text[:start] + single + text[end:]
    extraction = parse(text)
    doc = rebuild(extraction)
    apps = doc.tables["applications"]
    assert apps.other_layout == "single"
    assert len(apps.cells) == 161
    got = values(doc)
    assert got[("other", "natural_person")] == 151 and got[("other", "total")] == 160
    assert ("other.other", "total") not in got
    truth = load_truth(SEED)["applications"]
    assert got[("granted", "total")] == truth["granted"]["total"]
    assert got[("total_processed", "total")] == truth["total_processed"]["total"]
    assert run_checks(doc, extraction.body_text) == []


def test_labels_tolerate_spacing_width_and_line_breaks():
    text = seed_text()
    text = text.replace(
        "\t一、本年新收政府信息公开申请数量", "\t一、本年新收政府信息\n公开申请 数量"
    )
    text = text.replace("\t（四）无法提供", "\t(四) 无法\n提供")
    text = text.replace("\t3.危及“三安全一稳定”", '\t3．危及"三安全一稳定"')
    text = text.replace(
        "\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "\t（二）部分公开"
    )
    got = values(rebuild(parse(text)))
    want = load_truth(SEED)["applications"]
    assert got == {(r, c): v for r, cols in want.items() for c, v in cols.items()}


def test_labels_tolerate_what_a_scan_reads_into_them():
    """Traditional characters, brackets of another shape, a speck read as a dot or a digit, a
    colon after the numbering or none, the numbering misread, a short label misread, and a row
    whose group label is misread (its rows match on their own)."""
    text = seed_text()
    for printed, read in [
        ("\t（一）予以公开", "\t1（）予以公开"),  # 一 lost, a speck before the brackets
        ("\t（二）部分公开", "\t[二).部分公开"),
        ("\t（三）不予公开", "\tE)下予公开"),  # the group label, unreadable
        ("\t1.属于国家秘密", "\t1.屬于国家秘密"),
        ("\t四、结转下年度继续办理", "\tP、结转下年度继续办理"),  # 四 misread
        ("\t二、上年结转政府信息公开申请数量", "\t二：上年结转政府信息公开申请数量"),
        ("\t2.重复申请", "\t2.重复中请"),  # a short label, one character misread
        ("\t3.补正后申请内容仍不明确", "\t3:补正后申请内容仍不明确"),
        ("\t2.没有现成信息需要另行制作", "\t2.没有现成信总需要另行制价"),  # two, of 12
        ("\t4.无正当理由大量反复申请", "\t4.无正当理由大最反复中请"),  # two, of 11
        ("\t（七）总计", "\t（七）总让"),  # a short label, told by its numbering
        ("\t（六）其他处理", "\t六）其他处理"),  # its opening bracket lost
        ("\t3.其他", "\t3其他"),  # the numbering's dot lost
        # a fax's, told by the row's number and its first characters, or most of them
        ("\t4.保护第三方合法权益", "\t4.保护第一7"),
        ("\t7.属于行政执法案卷", "\t7.属子=政执法案卷"),
        ("\t1.信访举报投诉类申请", "\t1.信访举报投诉类|中请"),  # a rule's remnant, a bar
        ("\t一、本年新收政府信息公开申请数量", "\t一，本年新收政府信息公开申请数量"),
    ]:
        assert printed in text
        text = text.replace(printed, read)
    got = values(rebuild(parse(text)))
    want = load_truth(SEED)["applications"]
    assert got == {(r, c): v for r, cols in want.items() for c, v in cols.items()}


@pytest.mark.parametrize("four", ["用、", "P4、"])
def test_a_numbering_after_a_stray_character_is_still_a_numbering(four):
    """A character or two of the group label beside a row's label, the rule between them lost
    (、本（一)予以公开, 本（二）部分公开…), and a numbering misread as a character or two
    (用、 or P4、 for 四、)."""
    text = seed_text()
    for printed, read in [
        ("\t（一）予以公开", "\t、本（一)予以公开"),
        ("\t（二）部分公开", "\t本（二）部分公开"),
        ("\t四、结转下年度继续办理", f"\t{four}结转下年度继续办理"),
    ]:
        assert printed in text
        text = text.replace(printed, read)
    got = values(rebuild(parse(text)))
    want = load_truth(SEED)["applications"]
    assert got == {(r, c): v for r, cols in want.items() for c, v in cols.items()}


def test_rows_are_matched_by_label_not_position():
    """Swap two printed rows: their values follow their labels."""
    text = seed_text()
    rows = text.split("\n\n")
    i = next(k for k, r in enumerate(rows) if "2.重复申请" in r)
    j = next(k for k, r in enumerate(rows) if "3.要求提供公开出版物" in r)
    rows[i], rows[j] = rows[j], rows[i]
    got = values(rebuild(parse("\n\n".join(rows))))
    truth = load_truth(SEED)["applications"]
    assert (
        got[("ignored.duplicate", "natural_person")]
        == truth["ignored.duplicate"]["natural_person"]
        == 5
    )
    assert (
        got[("ignored.publication", "natural_person")]
        == truth["ignored.publication"]["natural_person"]
        == 0
    )


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def tc(text, span=1, vmerge=None):
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        {"restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}[vmerge]
        if vmerge
        else ""
    )
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_docx_grid_honours_grid_before_span_and_vertical_merge():
    xml = (
        f"<w:tbl {W}>"
        f"<w:tr>{tc('A', vmerge='restart')}{tc('B', span=2)}</w:tr>"
        f"<w:tr>{tc('', vmerge='continue')}{tc('c1')}{tc('c2')}</w:tr>"
        f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{tc("d1")}{tc("d2")}</w:tr>'
        "</w:tbl>"
    )
    grid = read_table(parse_xml(xml))
    cells = {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in grid.cells}
    assert cells == {
        (0, 0): ("A", 2, 1),
        (0, 1): ("B", 1, 2),
        (1, 1): ("c1", 1, 1),
        (1, 2): ("c2", 1, 1),
        (2, 1): ("d1", 1, 1),
        (2, 2): ("d2", 1, 1),
    }


def test_docx_sample_keeps_the_templates_merges():
    tables = docx.Document(str(SAMPLES / "docx" / f"{SEED}.docx")).tables
    grid = read_table(tables[1]._tbl)
    results = next(c for c in grid.cells if c.text == "三、本年度办理结果")
    denied = next(c for c in grid.cells if c.text == "（三）不予公开")
    assert (results.rowspan, denied.rowspan, denied.colspan) == (22, 8, 1)


def test_table_four_is_known_by_its_second_header_level():
    """A faint scan merged 行政复议 and 行政诉讼 into one cell, misread: 未经复议直接起诉 below
    it still says the 15 numbers that follow are table 四's."""
    text = seed_text()
    assert "\t行政复议\n\t行政诉讼\n" in text
    text = text.replace("\t行政复议\n\t行政诉讼\n", "\t行政复议政诉讼\n")
    got = values(rebuild(parse(text)), "reviews_litigation")
    want = load_truth(SEED)["reviews_litigation"]
    assert got == {(r, c): v for r, cols in want.items() for c, v in cols.items()}


def test_a_row_number_with_too_little_of_its_label_names_no_row():
    """6. is 属于四类过程性信息's number, but 属于 starts four rows' labels: a label misnumbered
    and cut short (属于三内) is not taken for the row its number names."""
    text = seed_text()
    printed = "\t5.属于三类内部事务信息"
    assert printed in text
    doc = rebuild(parse(text.replace(printed, "\t6.属于三内")))
    got = values(doc)
    truth = load_truth(SEED)["applications"]
    assert got[("denied.internal_affairs", "natural_person")] is None
    assert got[("denied.process_info", "total")] == truth["denied.process_info"]["total"]


def test_a_label_as_near_to_two_rows_is_neither():
    """行政处可 is one character from 行政许可 and one from 行政处罚: it is not guessed into
    either row, and both keep their own values or none."""
    text = seed_text()
    assert "\t行政许可\n\t92486\n" in text
    doc = rebuild(parse(text.replace("\t行政许可\n\t92486\n", "\t行政处可\n\t92486\n")))
    got = values(doc, "active_disclosure")
    truth = load_truth(SEED)["active_disclosure"]
    assert got[("licensing", "decisions")] is None  # reported missing
    assert got[("penalty", "decisions")] == truth["penalty"]["decisions"] != 92486


def test_a_header_merged_with_its_first_column_still_names_it():
    """On a fax the rule after 信息内容 was lost: one cell reads 信息内容本年处理决定数量. The
    行政许可 number under it is still 本年处理决定数量's, not the previous header's first column."""
    text = seed_text()
    merged = "\t信息内容\n\t本年处理决定数量\n\n\t行政许可\n"
    assert merged in text
    text = text.replace(merged, "\t信息内容本年处理决定数量\n\n\t行政许可\n")
    doc = rebuild(parse(text))
    truth = load_truth(SEED)["active_disclosure"]
    assert (
        values(doc, "active_disclosure")[("licensing", "decisions")]
        == truth["licensing"]["decisions"]
    )
    assert doc.warnings == rebuild(parse(seed_text())).warnings


def test_a_header_read_with_a_character_wrong_still_names_its_columns():
    """At 150 dpi 信息内容 was read 信息内客 over 采购项目数量 | 采购总金额 (2019 table 二): the
    政府集中采购 numbers were put under the header before it (上一年项目数量 | 本年增/减)."""
    name = "t2019_hexi_street"
    text = (SAMPLES / "t2019" / "text" / f"{name}.txt").read_text(encoding="utf-8")
    header = "\t信息内容\n\t采购项目数量\n"
    assert header in text
    doc = rebuild(parse(text.replace(header, "\t信息内客\n\t采购项目数量\n")), t2019.TEMPLATE)
    truth = load_truth(name)["active_disclosure"]["procurement"]
    read = values(doc, "active_disclosure")
    assert (read[("procurement", "items")], read[("procurement", "amount")]) == (
        truth["items"],
        truth["amount"],
    )
    assert doc.warnings == rebuild(parse(text), t2019.TEMPLATE).warnings


def test_a_scanned_count_read_as_brackets_is_a_zero_unsure_until_a_sum_pins_it():
    """A fax's "0" that lost its thin top and bottom reads "()": on a scan a 0, below the review
    line, which the row's sum of sure cells then vouches for. In a text it is no number."""
    row = "\t1.属于国家秘密\n\t14\n\t0\n\t0\n"
    assert row in seed_text()
    text = seed_text().replace(row, "\t1.属于国家秘密\n\t14\n\t()\n\t()\n")
    scan = parse(text)
    scan.scanned_pages = {c.page: 200 for grid in scan.tables for c in grid.cells}
    doc = rebuild(scan)
    cells = [doc.tables["applications"].cell("denied.state_secret", col) for col in TWO_COLUMNS]
    assert [(c.value, c.confidence) for c in cells] == [(0, OPEN_ZERO)] * 2
    confirm(doc)
    assert [(c.value, c.confidence) for c in cells] == [(0, CONFIRMED_BY_IDENTITIES)] * 2
    typed = rebuild(parse(text)).tables["applications"]
    assert [typed.cell("denied.state_secret", col).value for col in TWO_COLUMNS] == [None] * 2


def test_a_data_row_whose_label_matches_no_row_is_reported_by_its_label():
    """A 150 dpi scan read 3.补正后申请内容仍不明确 as 3.补正后申请内容仍个 3月0: its numbers
    are no row's (missing), and the label read is named in the warnings."""
    misread = seed_text().replace("3.补正后申请内容仍不明确", "3.补正后申请内容仍个3月0")
    assert misread != seed_text()
    doc = rebuild(parse(misread))
    cells = doc.tables["applications"].cells
    assert {c.value for c in cells if c.row == "unable.unclear"} == {None}
    assert doc.unrecognised == [
        "三、收到和处理政府信息公开申请情况：“3.补正后申请内容仍个3月0”一行对不上模板的任何一行，"
        "其数值没有采用。"
    ]
    assert rebuild(parse(seed_text())).unrecognised == []


def test_a_digit_read_as_a_character_does_not_make_a_row_label_a_group():
    """A 150 dpi "1" read 正 in the 2019 template's （六）其他处理 row (a row there, a group in
    the 2021 template): the label was taken for the group, waiting for rows that never came,
    and the row was lost. The other numbers stay under their columns; 正 is no number."""
    name = "t2019_qinghe_transport"
    text = (SAMPLES / "t2019" / "text" / f"{name}.txt").read_text(encoding="utf-8")
    row = "\t（六）其他处理\n\t3\n\t1\n"
    assert row in text
    doc = rebuild(parse(text.replace(row, "\t（六）其他处理\n\t3\n\t正\n")), t2019.TEMPLATE)
    other = {c.col: c.value for c in doc.tables["applications"].cells if c.row == "other"}
    truth = load_truth(name)["applications"]["other"]
    assert other == truth | {"commercial": None}


def test_a_label_split_over_two_cells_still_names_its_row():
    """A fax's dashes made a rule in the middle of 二、上年结转政府信息公开申请数量: neither half
    is a label (政府信息公开申请数量 is as near to 本年新收… as to 上年结转…), together they are."""
    text = seed_text()
    label = "\t二、上年结转政府信息公开申请数量\n"
    assert label in text
    doc = rebuild(parse(text.replace(label, "\t二、上年结转\n\t政府信息公开申请数量\n")))
    truth = load_truth(SEED)["applications"]
    got = values(doc)
    assert {c: got[("carried_over", c)] for c in truth["carried_over"]} == truth["carried_over"]
    assert doc.warnings == rebuild(parse(seed_text())).warnings


def test_table_four_of_blanks_and_one_misread_number_is_still_its_data_row():
    """An agency leaves table 四 blank but for one case; at 150 dpi its 1 was read m. Half the
    row's filled cells are numbers: it is table 四's data row, its blanks blank, m unread."""
    text = seed_text()
    numbers = "\n".join(f"\t{v}" for v in (75, 5, 8, 18, 106, 14, 8, 6, 13, 41, 10, 1, 2, 5, 18))
    assert f"\n\n{numbers}\n\n" in text
    sparse = "\n".join(["\tm", "\t", "\t", "\t", "\t1", *["\t"] * 10])
    got = values(rebuild(parse(text.replace(numbers, sparse))), "reviews_litigation")
    assert got[("review", "upheld")] is None  # m: unreadable, not guessed
    assert got[("review", "total")] == 1
    assert [v for k, v in got.items() if k not in {("review", "upheld"), ("review", "total")}] == [
        None
    ] * 13
    # Both 1s misread (I, at 150 dpi): no number, but no word either; still the data row.
    sparse = sparse.replace("\t1", "\tI")
    doc = rebuild(parse(text.replace(numbers, sparse)))
    assert not [w for w in doc.warnings if "没有找到表格" in w]
    assert list(values(doc, "reviews_litigation").values()) == [None] * 15


def test_table_fours_header_is_not_a_second_grand_total():
    """A scan's grid of table 三 runs on into table 四's header: its 总计 column label is not
    （七）总计 again (nor a duplicate worth a warning), its row is no data row of table 三."""
    matcher = LabelledTableMatcher(DEFAULT.table("applications"))
    group, label = GridCell(0, 0, "三、本年度办理结果"), GridCell(0, 1, "（七）总计")
    total = [group, label, *(GridCell(0, i, str(i)) for i in range(2, 9))]
    assert matcher.feed(total, 0)
    labels = (
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
        "未经复议直接起诉",
        "复议后起诉",
    )
    assert not matcher.feed([GridCell(1, i, text) for i, text in enumerate(labels)], 0)
    assert matcher.warnings == []


def test_table_four_split_by_a_seal_keeps_each_number_under_its_label():
    """A seal's arc on a fax, taken for a rule, split the data row's 14th cell in two: 16
    cells under 15 labels. Each number is the one under its label; with two under one, none."""
    matcher = SingleRowMatcher(DEFAULT.table("reviews_litigation"))
    assert matcher.feed([GridCell(0, 0, "行政复议", colspan=5), GridCell(0, 5, "行政诉讼")], 0)
    leaves = [GridCell(1, i, f"第{i}栏") for i in range(13)]
    leaves += [GridCell(1, 13, "尚未审结", colspan=2), GridCell(1, 15, "总计")]
    assert not matcher.feed(leaves, 0)
    numbers = [str(i) for i in range(13)] + ["", "13", "14"]
    assert matcher.feed([GridCell(2, i, text) for i, text in enumerate(numbers)], 0)
    got = [c.text for row in matcher.matched.values() for c in row.cells.values()]
    assert got == [str(i) for i in range(15)] and not matcher.unrecognised

    matcher = SingleRowMatcher(DEFAULT.table("reviews_litigation"))
    matcher.feed([GridCell(0, 0, "行政复议", colspan=5), GridCell(0, 5, "行政诉讼")], 0)
    matcher.feed(leaves, 0)
    numbers[13] = "8"  # two numbers under 尚未审结: which is its own is unknown
    matcher.feed([GridCell(2, i, text) for i, text in enumerate(numbers)], 0)
    assert all(not row.cells for row in matcher.matched.values()) and matcher.unrecognised


def test_table_four_with_two_numbers_in_one_cell_is_read_in_order_and_unsure():
    """A faint rule lost in every row of table 四: one cell reads "14 8", the row has 14
    cells. Its numbers are taken in reading order, each below the review line."""
    text = seed_text()
    numbers = "\n".join(f"\t{v}" for v in (75, 5, 8, 18, 106, 14, 8, 6, 13, 41, 10, 1, 2, 5, 18))
    assert numbers in text
    doc = rebuild(parse(text.replace(numbers, numbers.replace("\t14\n\t8\n", "\t14 8\n"))))
    want = load_truth(SEED)["reviews_litigation"]
    assert values(doc, "reviews_litigation") == {
        (r, c): v for r, cols in want.items() for c, v in cols.items()
    }
    unsure = {(c.row, c.col) for c in doc.tables["reviews_litigation"].cells if c.confidence < 0.9}
    assert unsure == {("suit_direct", "upheld"), ("suit_direct", "corrected")}


def printed_header_of_table_four() -> list[list[GridCell]]:
    """Table 四's header as printed: 行政复议's five leaves span its two lower header rows."""
    leaf_labels = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return [
        [GridCell(0, 0, "行政复议", colspan=5), GridCell(0, 5, "行政诉讼", colspan=10)],
        [GridCell(1, i, label, rowspan=2) for i, label in enumerate(leaf_labels)]
        + [GridCell(1, 5, "未经复议直接起诉", colspan=5), GridCell(1, 10, "复议后起诉", colspan=5)],
        [GridCell(2, 5 + i, leaf_labels[i % 5]) for i in range(10)],
    ]


def test_table_four_with_a_rule_lost_in_its_data_row_keeps_the_other_numbers():
    """A faint rule lost in the data row only: 14 cells, one spanning two leaves of the header,
    whose leaves lie in two header rows. The 13 cells under one leaf each are placed by the
    grid; the merged cell is each of its two leaves', below the review line."""
    matcher = SingleRowMatcher(DEFAULT.table("reviews_litigation"))
    for row in printed_header_of_table_four():
        matcher.feed(row, 0)
    data = [GridCell(3, i, str(i)) for i in range(6)] + [GridCell(3, 6, "|", colspan=2)]
    data += [GridCell(3, i, str(i)) for i in range(8, 15)]
    assert matcher.feed(data, 0)
    got = [(c.text, c.confidence) for row in matcher.matched.values() for c in row.cells.values()]
    want = [(str(i), 1.0) for i in range(15)]
    want[6:8] = [("|", 0.85), ("|", 0.85)]
    assert got == want and not matcher.unrecognised

    other_grid = SingleRowMatcher(DEFAULT.table("reviews_litigation"))
    for row in printed_header_of_table_four():
        other_grid.feed(row, 0)
    assert not other_grid.feed(data, 1)  # no header over it: where each number goes is unknown


def scanned_row(row: int, label: str, values: dict[int, tuple[str, int]]) -> list[GridCell]:
    """A row of a scanned table 三: its label in grid column 2, `values` by grid column as
    (text, colspan); cells drawn on a page (bbox set)."""
    box = (0.0, 0.0, 1.0, 1.0)
    label_cell = GridCell(row, 2, label, bbox=box)
    return [label_cell] + [
        GridCell(row, col, text, colspan=span, bbox=box) for col, (text, span) in values.items()
    ]


def test_a_row_split_by_a_seal_keeps_each_number_in_its_column():
    """A seal's arc through table 三's total column split it in two on one row: 8 cells where
    the rows above have 7, and a seal's character read in a blank cell. Each number stands
    under the column a full row of the same grid put there; the character is no header."""
    matcher = LabelledTableMatcher(DEFAULT.table("applications"))
    full = {3 + i: ("0", 1) for i in range(6)} | {9: ("0", 2)}
    assert matcher.feed(scanned_row(0, "（二）部分公开", full), 0)
    split = {3 + i: ("", 1) for i in range(6)} | {9: ("", 1), 10: ("4", 1)}
    split[6] = ("监", 1)
    assert matcher.feed(scanned_row(1, "（一）予以公开", split), 0)
    got = {col: cell.text for col, cell in matcher.matched["granted"].cells.items()}
    assert got == {
        "natural_person": "",
        "commercial": "",
        "research": "",
        "nonprofit": "监",
        "legal_services": "",
        "other_org": "",
        "total": "4",
    }

    two_filled = {3 + i: ("0", 1) for i in range(6)} | {9: ("1", 1), 10: ("4", 1)}
    assert matcher.feed(scanned_row(2, "四、结转下年度继续办理", two_filled), 0)
    placed = matcher.matched["carried_forward"].cells
    assert "total" not in placed and placed["other_org"].text == "0"  # 1 or 4: unknown
    assert any("“1”不在该模板的任何栏目下" in u for u in matcher.unrecognised)


def test_a_header_label_split_by_a_rule_found_in_it_still_names_the_number_below_both():
    """A 200 dpi scan found a rule in table 二's 本年收费金额（单位：万元）: the header read
    label | blank, and the number below, spanning both, was placed under neither."""
    matcher = LabelledTableMatcher(DEFAULT.table("active_disclosure"))
    box = (0.0, 0.0, 1.0, 1.0)
    header = [
        GridCell(0, 0, "信息内容", bbox=box),
        GridCell(0, 1, "本年收费金额（单位：万元）", bbox=box),
        GridCell(0, 2, "", bbox=box),
    ]
    assert matcher.feed(header, 0)
    row = [
        GridCell(1, 0, "行政事业性收费", bbox=box),
        GridCell(1, 1, "5098.4139", colspan=2, bbox=box),
    ]
    assert matcher.feed(row, 0)
    assert {c: cell.text for c, cell in matcher.matched["fees"].cells.items()} == {
        "amount": "5098.4139"
    }
    assert matcher.unrecognised == []


def test_a_header_label_with_a_rule_found_before_it_still_names_the_number_below_both():
    """The same on the label's left: a 200 dpi scan read 信息内容 | blank | 本年处理决定数量,
    and 行政处罚's number below, spanning all three columns, was placed nowhere."""
    matcher = LabelledTableMatcher(DEFAULT.table("active_disclosure"))
    box = (0.0, 0.0, 1.0, 1.0)
    header = [
        GridCell(0, 0, "信息内容", bbox=box),
        GridCell(0, 1, "", bbox=box),
        GridCell(0, 2, "本年处理决定数量", colspan=2, bbox=box),
    ]
    assert matcher.feed(header, 0)
    row = [GridCell(1, 0, "行政处罚", bbox=box), GridCell(1, 1, "26196", colspan=3, bbox=box)]
    assert matcher.feed(row, 0)
    assert {c: cell.text for c, cell in matcher.matched["penalty"].cells.items()} == {
        "decisions": "26196"
    }
    assert matcher.unrecognised == []


def test_a_short_label_with_a_character_dropped_is_told_by_its_numbering():
    """A fax's 予 lost to the column rule that starts two rows below it: （一）以公开."""
    text = seed_text()
    assert "\t（一）予以公开" in text
    got = values(rebuild(parse(text.replace("\t（一）予以公开", "\t（一）以公开"))))
    want = load_truth(SEED)["applications"]
    assert got == {(r, c): v for r, cols in want.items() for c, v in cols.items()}


def test_a_short_row_before_its_grids_first_full_row_is_placed_by_the_rows_below():
    """A faint scan's page opens with 4.无正当理由大量反复申请, the rule between two of its cells
    lost: the full rows below it on the page tell where each of its other cells stands."""
    matcher = LabelledTableMatcher(DEFAULT.table("applications"))
    short = {3: ("1", 1), 4: ("2", 1), 5: ("3", 1), 6: ("1 I", 2), 8: ("5", 1), 9: ("12", 1)}
    assert matcher.feed(scanned_row(0, "4.无正当理由大量反复申请", short), 0)
    full = {3 + i: ("0", 1) for i in range(7)}
    assert matcher.feed(scanned_row(1, "5.要求行政机关确认或重新出具已获取信息", full), 0)
    matcher.settle()
    got = {col: cell.text for col, cell in matcher.matched["ignored.excessive"].cells.items()}
    assert got == {
        "natural_person": "1",
        "commercial": "2",
        "research": "3",
        "other_org": "5",
        "total": "12",
    }
    assert any("“1 I”不在该模板的任何栏目下" in u for u in matcher.unrecognised)


def boxed_row(row: int, label: str, edges: list[tuple[float, float, str]]) -> list[GridCell]:
    """A scanned row of table 三 whose value cells are (x0, x1, text), one grid column each."""
    label_cell = GridCell(row, 0, label, bbox=(0.0, 0.0, edges[0][0], 1.0))
    return [label_cell] + [
        GridCell(row, 1 + i, text, bbox=(x0, 0.0, x1, 1.0))
        for i, (x0, x1, text) in enumerate(edges)
    ]


def test_a_short_row_alone_on_its_page_is_placed_where_the_page_before_put_the_columns():
    """Table 三's last row carried onto the next page, the rule between its last two cells lost:
    its other cells stand under the columns of the full rows on the page before (measured
    across the values' width, another scale and offset), below the review line; a grid whose
    cells line up with no column places nothing."""
    matcher = LabelledTableMatcher(DEFAULT.table("applications"))
    columns = [(300.0 + 100 * i, 400.0 + 100 * i, "0") for i in range(7)]
    assert matcher.feed(boxed_row(0, "（二）部分公开", columns), 0)
    # the next page: 1.1 times the size, 40 px to the right; 其他组织 and 总计 in one cell
    moved = [(40 + 1.1 * x0, 40 + 1.1 * x1, text) for x0, x1, text in columns]
    short = [(x0, x1, str(n)) for n, (x0, x1, _) in enumerate(moved[:5], 1)]
    short.append((moved[5][0], moved[6][1], "6 l0"))
    assert matcher.feed(boxed_row(0, "四、结转下年度继续办理", short), 1)
    matcher.settle()
    placed = matcher.matched["carried_forward"].cells
    assert {col: cell.text for col, cell in placed.items()} == {
        "natural_person": "1",
        "commercial": "2",
        "research": "3",
        "nonprofit": "4",
        "legal_services": "5",
    }
    assert all(cell.confidence < 0.9 for cell in placed.values())

    matcher = LabelledTableMatcher(DEFAULT.table("applications"))
    assert matcher.feed(boxed_row(0, "（二）部分公开", columns), 0)
    uneven = [(300.0 + 120 * i, 420.0 + 120 * i, "0") for i in range(5)] + [(900.0, 1000.0, "0")]
    assert matcher.feed(boxed_row(0, "四、结转下年度继续办理", uneven), 1)
    matcher.settle()
    assert matcher.matched["carried_forward"].cells == {}


def test_a_short_label_with_its_numbering_read_as_a_dash_and_a_character_dropped():
    """A fax's （一）予以公开 read （-）以公开: its numbering's 一 as a dash, 予 lost."""
    text = seed_text()
    got = values(rebuild(parse(text.replace("\t（一）予以公开", "\t（-）以公开"))))
    want = load_truth(SEED)["applications"]
    assert got == {(r, c): v for r, cols in want.items() for c, v in cols.items()}


def test_a_short_label_with_its_numbering_lost_and_a_character_dropped():
    """A fax's （一）予以公开 read （）以公开: the thin stroke of 一 lost, and 予 (seed 17)."""
    text = seed_text()
    got = values(rebuild(parse(text.replace("\t（一）予以公开", "\t（）以公开"))))
    want = load_truth(SEED)["applications"]
    assert got == {(r, c): v for r, cols in want.items() for c, v in cols.items()}


def test_a_counts_second_reading_between_specks_is_a_candidate_number():
    """A blurred "1" read as nothing, and read again (enlarged, binarised) as ".1." between two
    specks: 1 is a candidate for the identities (canonical/corrections.py) to confirm."""
    assert _second_value(".1.", "count") == 1
    assert _second_value("I", "count") == 1
    assert _second_value("B", "count") is None  # a 3 or an 8: no one number
    assert _second_value(".1.", "decimal") is None  # a decimal's dot may be its own


def test_table_four_whose_number_joined_its_header_keeps_the_other_numbers():
    """A fax lost the rule under 行政复议's 总计: its number joined the header cell ("总计\\n5"),
    and the data row has 14 cells. The 14 are placed under their labels; 总计's is missing
    (flagged), not guessed. With two leaves so, the table is not placed at all."""
    header = printed_header_of_table_four()
    header[1][4] = GridCell(1, 4, "总计\n5", rowspan=3)  # down into the data row
    data = [GridCell(3, i, str(i)) for i in range(15) if i != 4]
    matcher = SingleRowMatcher(DEFAULT.table("reviews_litigation"))
    for row in header:
        matcher.feed(row, 0)
    assert matcher.feed(data, 0)
    got = {(r, col): c.text for r, row in matcher.matched.items() for col, c in row.cells.items()}
    assert ("review", "total") not in got and len(got) == 14
    assert got[("review", "pending")] == "3" and got[("suit_direct", "upheld")] == "5"

    header[1][3] = GridCell(1, 3, "尚未审结\n1", rowspan=3)
    matcher = SingleRowMatcher(DEFAULT.table("reviews_litigation"))
    for row in header:
        matcher.feed(row, 0)
    assert not matcher.feed([c for c in data if c.col != 3], 0)


def test_a_row_of_the_other_layout_beside_the_tables_own_is_reported_not_dropped():
    """A fax lost the label of 1.申请人无正当理由逾期不补正…: its numbers sat beside （六）其他处理
    as if printed as one row (the older layout), and the table took that layout and dropped
    the rows 2. and 3. below without a word. The layout is the one most of whose rows were
    found, and the row of the other is reported."""
    label = "\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\n"
    lost = seed_text().replace(label, "\t\n")
    assert lost != seed_text()
    doc = rebuild(parse(lost))
    apps = doc.tables["applications"]
    assert apps.other_layout == "split"
    got = values(doc)
    truth = load_truth(SEED)["applications"]
    assert (
        got[("other.fee_unpaid", "natural_person")] == truth["other.fee_unpaid"]["natural_person"]
    )
    assert got[("other.other", "total")] == truth["other.other"]["total"]
    assert {c.value for c in apps.cells if c.row == "other.no_correction"} == {None}
    assert doc.unrecognised == [
        "三、收到和处理政府信息公开申请情况：“三、本年度办理结果 › （六）其他处理”"
        "一行与本表其他行的排法不一致，其数值没有采用。"
    ]
