"""Templates as data: the 2019 and 2021 templates told apart by content, values placed by the
header that names their columns, and nothing the template does not know guessed into an id."""

from dataclasses import replace
from pathlib import Path

import pytest
from helpers import SAMPLES

from canonical import values
from canonical.mapping import rebuild
from canonical.template_choice import choose_template
from canonical.templates import TEMPLATES, t2019, t2021
from extractors.text import parse
from model.report import Flag

SEED = SAMPLES / "text" / "000_de4a6e6b343917dd.txt"


def row(*cells: str) -> str:
    return "".join(f"\t{c}\n" for c in cells) + "\n"


TABLE_2_OF_2019 = (
    row("第二十条第（一）项")
    + row("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量")
    + row("规章", "1", "1", "12")
    + row("规范性文件", "27", "18", "228")
    + row("第二十条第（五）项")
    + row("信息内容", "上一年项目数量", "本年增/减", "处理决定数量")
    + row("行政许可", "310", "+12", "92486")
    + row("其他对外管理服务事项", "45", "－3", "1200")
    + row("第二十条第（六）项")
    + row("信息内容", "上一年项目数量", "本年增/减", "处理决定数量")
    + row("行政处罚", "88", "0", "26196")
    + row("行政强制", "12", "-1", "68")
    + row("第二十条第（八）项")
    + row("信息内容", "上一年项目数量", "本年增/减")
    + row("行政事业性收费", "9", "-2")
    + row("第二十条第（九）项")
    + row("信息内容", "采购项目数量", "采购总金额")
    + row("政府集中采购", "15", "251000元")
)


def seed_with_table_2(table_2: str, year: int = 2019) -> str:
    """Seed 000 with another table 二 and another year in its title."""
    text = SEED.read_text(encoding="utf-8")
    start = text.index("\t第二十条第（一）项")
    end = text.index("\n\n\n\n3、", start)
    text = text[:start] + table_2.rstrip("\n") + text[end:]
    return text.replace("2023年政府信息公开工作年度报告", f"{year}年政府信息公开工作年度报告")


def active(doc) -> dict:
    return {(c.row, c.col): c for c in doc.tables["active_disclosure"].cells}


def test_2019_table_2_is_read_under_its_own_ids():
    extraction = parse(seed_with_table_2(TABLE_2_OF_2019))
    template, notes = choose_template(extraction, 2019)
    assert template is t2019.TEMPLATE and notes == []
    doc = rebuild(extraction, template)
    got = {ref: (c.value, c.unit) for ref, c in active(doc).items()}
    assert got[("rules", "published")] == (1, None)
    assert got[("licensing", "change")] == (12, None)
    assert got[("other_services", "change")] == (-3, None)  # full-width minus
    assert got[("coercion", "change")] == (-1, None)
    assert got[("fees", "prior_items")] == (9, None) and got[("fees", "change")] == (-2, None)
    assert got[("procurement", "amount")] == ("251000", "元")
    assert len(got) == 22 and doc.unrecognised == []


def test_the_tables_decide_the_template_not_the_title():
    extraction = parse(seed_with_table_2(TABLE_2_OF_2019, year=2021))
    template, notes = choose_template(extraction, 2021)
    assert template is t2019.TEMPLATE
    assert notes == ["报告年份为 2021 年，但表格按2019 年模板（国办公开办函〔2019〕60号）填写。"]
    seed_2021 = parse(SEED.read_text(encoding="utf-8").replace("2023年", "2020年"))
    assert choose_template(seed_2021, 2020)[0] is t2021.TEMPLATE


def test_without_table_2_the_year_decides():
    text = SEED.read_text(encoding="utf-8")
    start = text.index("\t第二十条第（一）项")
    end = text.index("\n\n\n\n3、", start)
    extraction = parse(text[:start] + text[end:])
    assert choose_template(extraction, 2020)[0] is t2019.TEMPLATE
    assert choose_template(extraction, 2022)[0] is t2021.TEMPLATE
    assert choose_template(extraction, None)[0] is t2021.TEMPLATE


def test_a_2019_table_under_the_2021_template_is_never_guessed():
    doc = rebuild(parse(seed_with_table_2(TABLE_2_OF_2019)), t2021.TEMPLATE)
    cells = active(doc)
    # 本年新公开数量 is not 本年废止件数: nothing of rules/normative_docs is filled in by position.
    for ref in [("rules", "issued"), ("rules", "repealed"), ("normative_docs", "in_force")]:
        assert cells[ref].value is None and Flag.MISSING in cells[ref].flags
    # 处理决定数量 is what 2021 calls 本年处理决定数量 (FORMAT.md): the one shared meaning.
    assert cells[("licensing", "decisions")].value == 92486
    assert "二、主动公开政府信息情况：表头“本年新公开数量”不是该模板的栏目。" in doc.unrecognised
    assert "二、主动公开政府信息情况：表头“采购总金额”不是该模板的栏目。" in doc.unrecognised


def test_a_row_with_more_cells_than_the_template_is_not_cut_to_the_rightmost():
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("\t行政强制\n\t68\n", "\t行政强制\n\t5\n\t68\n")
    rows = text.split("\n\n")
    no_header = "\n\n".join(r for r in rows if not r.lstrip("\n").startswith("\t信息内容"))
    doc = rebuild(parse(no_header))
    assert active(doc)[("coercion", "decisions")].value is None
    assert any("“行政强制”一行有 2 个数值单元格，模板只有 1 个" in u for u in doc.unrecognised)
    # Under a header naming one column, the cell outside it is reported, never dropped quietly.
    doc = rebuild(parse(text))
    assert (
        "二、主动公开政府信息情况：“行政强制”一行的“68”不在该模板的任何栏目下。" in doc.unrecognised
    )


def test_the_two_templates_share_only_the_ids_that_mean_the_same():
    def ids(template):
        return {
            (t.id, r.id, c) for t in template.tables for r in t.rows_of() for c in t.columns_of(r)
        }

    shared = ids(t2019.TEMPLATE) & ids(t2021.TEMPLATE)
    assert {ref for ref in shared if ref[0] == "active_disclosure"} == {
        ("active_disclosure", row, "decisions") for row in ("licensing", "penalty", "coercion")
    }
    assert len(ids(t2019.TEMPLATE)) == 22 + 161 + 15
    assert set(TEMPLATES) == {"2019", "2021"}


@pytest.mark.parametrize(
    "text, value",
    [
        ("+1036", 1036),
        ("-3", -3),
        ("－3", -3),
        ("−3", -3),
        ("0", 0),
        ("增加3", 3),
        ("减少3", -3),
        ("增3", 3),
        ("减 3", -3),
        ("1,036", 1036),
    ],
)
def test_signed_change_accepts(text, value):
    assert values.parse(text, "signed").value == value


@pytest.mark.parametrize("text", ["3-", "+-3", "约3", "持平", "3.5", "—"])
def test_signed_change_refuses(text):
    assert values.parse(text, "signed").flags == [Flag.NOT_A_NUMBER]


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("251000元", "251000", "元"),
        ("35.6万元", "35.6", "万元"),
        ("5098.4139", "5098.4139", None),
        ("1,200.50 元", "1200.50", "元"),
    ],
)
def test_amounts_keep_their_unit(text, value, unit):
    parsed = values.parse(text, "decimal")
    assert (parsed.value, parsed.unit) == (value, unit)


def test_counts_stay_non_negative():
    assert values.parse("-3", "count").flags == [Flag.NOT_A_NUMBER]
    assert values.parse("", "count").flags == [Flag.BLANK]


def test_blank_total_is_a_source_error_saying_so(tmp_path: Path):
    from flows.document import process_document

    text = SEED.read_text(encoding="utf-8")
    # 二、上年结转 row: 121 5 0 0 0 0 126 → total left blank
    text = text.replace(
        "\t二、上年结转政府信息公开申请数量\n\t121\n\t5\n\t0\n\t0\n\t0\n\t0\n\t126\n",
        "\t二、上年结转政府信息公开申请数量\n\t121\n\t5\n\t0\n\t0\n\t0\n\t0\n\t\n",
    )
    source = tmp_path / "blank_total.txt"
    source.write_text(text, encoding="utf-8")
    report = process_document(source, tmp_path / "out", source.name)
    row_total = [c for c in report.checks if c.rule == "applications.row_total"]
    assert [(c.where, c.expected, c.found, c.cause) for c in row_total] == [
        ("row=carried_over", 126, 0, "source")
    ]
    assert (
        row_total[0].message
        == "“二、上年结转政府信息公开申请数量”一行：总计栏空白，但六类申请人之和为 126。"
    )
    blank = report.tables["applications"].cell("carried_over", "total")
    assert blank.value is None and Flag.BLANK in blank.flags


@pytest.mark.parametrize(
    "year, says",
    [(2018, "统一格式的表格自 2019 年度报告起才有"), (2022, "表格可能以图片形式插入，或被省略")],
)
def test_an_annual_report_without_the_tables_is_refused_with_why(tmp_path: Path, year, says):
    from flows.document import process_document

    source = tmp_path / f"narrative{year}.txt"
    source.write_text(
        f"清河县人民政府\n{year}年政府信息公开工作年度报告\n\n一、总体情况\n"
        "全年共受理政府信息公开申请35件，均已按时答复。\n二、主动公开政府信息情况\n"
        "全年主动公开政府信息1200条。\n",
        encoding="utf-8",
    )
    report = process_document(source, tmp_path / "out", source.name)
    assert (report.status, report.error_code) == ("failed", "no_standard_tables")
    assert report.error.startswith(
        f"这是 {year} 年度的政府信息公开工作年度报告，但其中没有标准表格"
    )
    assert says in report.error and report.tables == {}


def test_an_empty_cell_before_the_values_is_not_a_column():
    text = SEED.read_text(encoding="utf-8").replace(
        "\t行政许可\n\t92486\n", "\t行政许可\n\t\n\t92486\n"
    )
    doc = rebuild(parse(text))
    assert active(doc)[("licensing", "decisions")].value == 92486 and doc.unrecognised == []


def test_two_cells_merged_by_a_lost_rule_shift_nothing_into_the_next_column():
    """On a faint scan the rule between 商业企业 and 科研机构 of one row is lost: the row has one
    cell spanning both. The cells right of it keep their own columns; the merged one is placed
    nowhere, and the row is reported."""
    extraction = parse(SEED.read_text(encoding="utf-8"))
    grid = next(g for g in extraction.tables if any("本机关不掌握" in c.text for c in g.cells))
    label = next(c for c in grid.cells if "本机关不掌握" in c.text)
    values_of_row = sorted(
        (c for c in grid.cells if c.row == label.row and c.col > label.col), key=lambda c: c.col
    )
    commercial, research = values_of_row[1], values_of_row[2]
    merged = replace(commercial, text=commercial.text + research.text, colspan=2)
    grid.cells = [c for c in grid.cells if c not in (commercial, research)] + [merged]
    doc = rebuild(extraction)
    cells = {c.col: c for c in doc.tables["applications"].cells if c.row == "unable.not_held"}
    assert cells["natural_person"].value == 1270
    assert cells["commercial"].value is None and cells["research"].value is None
    assert [cells[c].value for c in ("nonprofit", "legal_services", "other_org", "total")] == [
        0,
        0,
        1,
        1305,
    ]
    assert any(
        "“1.本机关不掌握相关政府信息”一行只有 6 个数值单元格，模板有 7 个" in u
        for u in doc.unrecognised
    ), doc.unrecognised


def test_a_row_missing_a_cell_in_a_text_dump_places_nothing_by_position():
    """A text dump's row with one value left out gives no geometry: which one is missing is
    unknown, so none of its values is placed, and the row is reported."""
    text = SEED.read_text(encoding="utf-8")
    full = "\t1.本机关不掌握相关政府信息\n\t1270\n\t34\n\t0\n\t0\n\t0\n\t1\n\t1305\n"
    assert full in text
    doc = rebuild(parse(text.replace(full, full.replace("\t34\n", ""))))
    cells = {c.col: c for c in doc.tables["applications"].cells if c.row == "unable.not_held"}
    assert {col: cell.value for col, cell in cells.items()} == dict.fromkeys(cells)
    assert any("一行只有 6 个数值单元格，模板有 7 个" in u for u in doc.unrecognised)
