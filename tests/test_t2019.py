"""2019-template reports in every form, the appended-tables layout, and a report from before
the standard tables (samples made by scripts/make_samples_2019.py; truth in tests/truth/)."""

import json

import pytest
from helpers import SAMPLES, TRUTH, load_truth_cells, report_cells

from canonical.templates import t2019, t2021

REPORTS = ("t2019_qinghe_county", "t2019_qinghe_transport", "t2019_hexi_street")
FORMS = {"text": ".txt", "docx": ".docx", "pdf": ".pdf"}


def ids(template) -> set[tuple[str, str, str]]:
    return {(t.id, r.id, c) for t in template.tables for r in t.rows for c in t.columns_of(r)}


ONLY_2021 = ids(t2021.TEMPLATE) - ids(t2019.TEMPLATE)


def assert_reads_as_truth(report: dict, name: str) -> None:
    truth = json.loads((TRUTH / f"{name}.json").read_text(encoding="utf-8"))
    assert (report["template"], report["agency"], report["year"]) == (
        truth["template"],
        truth["agency"],
        truth["year"],
    )
    assert report_cells(report) == load_truth_cells(TRUTH / f"{name}.json")
    failed = {(c["rule"], c["where"]) for c in report["checks"]}
    assert failed == {(e["rule"], e["where"]) for e in truth["source_errors"]}
    assert {c["cause"] for c in report["checks"]} <= {"source"}
    units = {
        f"{t}.{c['row']}.{c['col']}": c["unit"]
        for t, table in report["tables"].items()
        for c in table["cells"]
        if c.get("unit") and (t, c["row"]) == ("active_disclosure", "procurement")
    }
    assert units == truth["units"]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", REPORTS)
def test_2019_report_reads_every_cell_under_2019_ids(process, name, form):
    report = process(SAMPLES / "t2019" / form / f"{name}{FORMS[form]}")
    assert_reads_as_truth(report, name)
    assert report["status"] == "ok"
    # Never a 2019 value under an id only the 2021 template has.
    assert not set(report_cells(report)) & ONLY_2021


def test_signs_and_units_of_table_2(process):
    report = process(SAMPLES / "t2019" / "docx" / "t2019_qinghe_transport.docx")
    cells = {(c["row"], c["col"]): c for c in report["tables"]["active_disclosure"]["cells"]}
    assert cells[("penalty", "change")]["text"] == "+1036"
    assert cells[("penalty", "change")]["value"] == 1036
    assert (cells[("coercion", "change")]["text"], cells[("coercion", "change")]["value"]) == (
        "－3",
        -3,
    )
    amount = cells[("procurement", "amount")]
    assert (amount["value"], amount["unit"], amount["text"]) == ("35.6", "万元", "35.6万元")


def test_blank_row_totals_are_source_errors_saying_so(process):
    report = process(SAMPLES / "t2019" / "pdf" / "t2019_hexi_street.pdf")
    messages = [c["message"] for c in report["checks"]]
    assert messages == [
        "“二、上年结转政府信息公开申请数量”一行：总计栏空白，但六类申请人之和为 3。",
        "“四、结转下年度继续办理”一行：总计栏空白，但六类申请人之和为 3。",
    ]
    total = next(
        c
        for c in report["tables"]["applications"]["cells"]
        if (c["row"], c["col"]) == ("carried_over", "total")
    )
    assert total["value"] is None and "blank" in total["flags"]


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".pdf"])
def test_tables_appended_after_the_narrative_are_read_exactly(process, suffix):
    name = "appended_qinghe_natural_resources"
    report = process(SAMPLES / "appended" / f"{name}{suffix}")
    assert_reads_as_truth(report, name)
    assert report["status"] == "ok"


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_2018_report_is_refused_for_having_no_standard_tables(process, suffix):
    report = process(SAMPLES / "pre2019" / f"pre2019_qinghe_county_2018{suffix}")
    assert (report["status"], report["error_code"]) == ("failed", "no_standard_tables")
    assert report["error"].startswith(
        "这是 2018 年度的政府信息公开工作年度报告，但其中没有标准表格"
    )
    assert "统一格式的表格自 2019 年度报告起才有" in report["error"]
    assert report["tables"] == {} and report["year"] == 2018


@pytest.mark.ocr
@pytest.mark.slow
def test_2019_scan_reads_every_cell_and_the_minus_its_second_reading_has(process):
    report = process(SAMPLES / "t2019" / "scans" / "t2019_qinghe_transport.office200.pdf")
    truth = load_truth_cells(TRUTH / "t2019_qinghe_transport.json")
    assert report["template"] == "2019"
    assert report_cells(report) == truth
    # "-1" is read "1" by the recogniser, the dash before it seen in the ink; read again
    # (enlarged, binarised) it is "-1": the cell is that reading, and no cell is unsure.
    fees = report["tables"]["active_disclosure"]["cells"]
    (change,) = [c for c in fees if (c["row"], c["col"]) == ("fees", "change")]
    assert (change["text"], change["value"], change["flags"]) == ("-1", -1, ["reread"])
    unsure = [
        (t, c["row"], c["col"])
        for t, table in report["tables"].items()
        for c in table["cells"]
        if "low_confidence" in c["flags"]
    ]
    assert unsure == []
    # Its two balance failures are the source's (the text route reports them too).
    assert report["status"] == "ok"
