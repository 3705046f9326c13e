"""Series checks across the documents of a run: the year-over-year carry on a real year pair
(hzq2023 and a 2024 report made from it), and one report as PDF and DOCX."""

import csv
import json
import shutil

import docx
import pytest
from helpers import SAMPLES
from yearpair import HZQ2024, HZQ2024_BROKEN, REVIEWS_2024, report_text

from canonical.series import SeriesDoc, series_checks, with_series
from flows.document import process_document
from flows.inputs import Job
from flows.resume import previous_outcome
from model.report import Cause, Report, Status
from outputs.atomic import atomic_write_bytes
from outputs.run_files import write_run_outputs
from review.server import document_payload

HZQ2023 = SAMPLES / "real" / "hzq2023_working.pdf"
Y2023, Y2024 = "2023/hzq2023.pdf", "2024/hzq2024.txt"
KEY = "洪泽区人民政府"
SEED = "000_de4a6e6b343917dd"
PDF, DOCX = "2023/fengtai.pdf", "2023/fengtai.docx"


@pytest.fixture(scope="module")
def hzq2023(tmp_path_factory):
    """The real 2023 report, processed once; each test copies its folder into its OUT. Its
    carry cells are read surely (its status alone is its own business: HZQ_ALONE)."""
    folder = tmp_path_factory.mktemp("hzq") / "doc"
    report = process_document(HZQ2023, folder, Y2023)
    assert (report.agency, report.year) == ("淮安市洪泽区人民政府", 2023)
    carry = [c for c in report.tables["applications"].cells if c.row.startswith("carried_")]
    assert [(c.value, c.confidence) for c in carry] == [(0, 1.0)] * 14
    return folder


def year_pair(tmp_path, hzq2023, applications) -> tuple:
    out = tmp_path / "out"
    shutil.copytree(hzq2023, out / Y2023)
    text = tmp_path / "hzq2024.txt"
    title = ["洪泽区人民政府", "2024年政府信息公开工作年度报告"]  # the city left out, as often
    text.write_text(report_text(title, applications, REVIEWS_2024), encoding="utf-8")
    report = process_document(text, out / Y2024, Y2024)
    assert (report.agency, report.year, report.status) == ("洪泽区人民政府", 2024, Status.OK)
    return out, [Y2023, Y2024]


def report(out, doc_id) -> Report:
    return Report.from_json((out / doc_id / "report.json").read_bytes())


def rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def tree(out) -> dict:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".nianbao-index" not in p.parts
    }


def test_a_real_year_pair_that_holds(tmp_path, hzq2023):
    out, ids = year_pair(tmp_path, hzq2023, HZQ2024)
    statuses = [report(out, doc_id).status for doc_id in ids]
    write_run_outputs(ids, out)
    for doc_id, status in zip(ids, statuses):
        r = report(out, doc_id)
        assert (r.status, r.series) == (status, None)
        assert not [c for c in r.checks if c.rule.startswith("series.")]
    assert rows(out / "series.csv") == [
        {
            "agency_key": KEY,
            "agency": "淮安市洪泽区人民政府",
            "year": "2023",
            "documents": Y2023,
            "new_received": "21",
            "carried_over": "0",
            "total_processed": "21",
            "carried_forward": "0",
            "previous_year_link": "",
            "next_year_link": "holds",
        },
        {
            "agency_key": KEY,
            "agency": "洪泽区人民政府",
            "year": "2024",
            "documents": Y2024,
            "new_received": "27",
            "carried_over": "0",
            "total_processed": "25",
            "carried_forward": "2",
            "previous_year_link": "holds",
            "next_year_link": "",
        },
    ]
    documents = {r["document"]: r for r in rows(out / "documents.csv")}
    assert {d: (r["agency"], r["agency_key"]) for d, r in documents.items()} == {
        Y2023: ("淮安市洪泽区人民政府", KEY),
        Y2024: ("洪泽区人民政府", KEY),
    }


def test_a_broken_carry_is_a_check_in_both_documents(tmp_path, hzq2023):
    out, ids = year_pair(tmp_path, hzq2023, HZQ2024_BROKEN)
    earlier_alone = report(out, Y2023).status
    write_run_outputs(ids, out)
    later, earlier = report(out, Y2024), report(out, Y2023)
    series = [c for c in later.checks if c.rule == "series.carry"]
    assert [(c.where, c.expected, c.found, c.cause) for c in series] == [
        ("col=natural_person; 2023→2024", 0, 3, Cause.SOURCE),
        ("col=total; 2023→2024", 0, 3, Cause.SOURCE),
    ]
    assert series[0].cells == [("applications", "carried_over", "natural_person")]
    assert series[0].other_document == Y2023
    assert series[0].other_cells == [("applications", "carried_forward", "natural_person")]
    mirrored = [c for c in earlier.checks if c.rule == "series.carry"]
    assert [(c.where, c.expected, c.found, c.other_document) for c in mirrored] == [
        ("col=natural_person; 2023→2024", 3, 0, Y2024),
        ("col=total; 2023→2024", 3, 0, Y2024),
    ]
    assert mirrored[0].cells == [("applications", "carried_forward", "natural_person")]
    # Every cell was read surely: the source is inconsistent, and no status changes.
    assert (later.status, earlier.status) == (Status.OK, earlier_alone)
    assert (later.series.status_alone, earlier.series.status_alone) == (Status.OK, earlier_alone)
    assert later.summary.failed_checks == 2
    links = {
        r["year"]: (r["previous_year_link"], r["next_year_link"]) for r in rows(out / "series.csv")
    }
    assert links == {"2023": ("", "broken"), "2024": ("broken", "")}
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "1 个衔接 links checked, 1 broken" in html
    assert f"<td>{Y2024}</td><td>{Y2023}</td><td>col=natural_person; 2023→2024</td>" in html
    # The 2023 document got checks without being processed again: a run still skips it.
    assert previous_outcome(Job(HZQ2023, Y2023), out).skipped
    # A rerun with nothing changed writes the same bytes and rewrites no report.
    before = tree(out)
    inode = (out / Y2023 / "report.json").stat().st_ino
    write_run_outputs(ids, out)
    assert tree(out) == before
    assert (out / Y2023 / "report.json").stat().st_ino == inode
    # The next year read again, right this time: the checks go from both documents.
    fixed = tmp_path / "fixed.txt"
    title = ["洪泽区人民政府", "2024年政府信息公开工作年度报告"]
    fixed.write_text(report_text(title, HZQ2024, REVIEWS_2024), encoding="utf-8")
    process_document(fixed, out / Y2024, Y2024)
    write_run_outputs(ids, out)
    earlier = report(out, Y2023)
    assert (earlier.series, earlier.status) == (None, earlier_alone)
    assert not [c for c in earlier.checks if c.rule.startswith("series.")]
    assert earlier.summary.failed_checks == len(earlier.checks)


def test_an_unsure_cell_in_a_broken_carry_makes_its_document_need_review(tmp_path, hzq2023):
    out, ids = year_pair(tmp_path, hzq2023, HZQ2024_BROKEN)
    earlier_alone = report(out, Y2023).status
    # As a scan would read it: 3 at 0.95, sure enough alone (no flag under 0.9) but not exact.
    data = json.loads((out / Y2024 / "report.json").read_bytes())
    for cell in data["tables"]["applications"]["cells"]:
        if (cell["row"], cell["col"]) == ("carried_over", "natural_person"):
            cell["confidence"] = 0.95
    atomic_write_bytes(out / Y2024 / "report.json", json.dumps(data).encode("utf-8"))
    assert report(out, Y2024).status == Status.OK  # alone, it passes
    write_run_outputs(ids, out)
    later, earlier = report(out, Y2024), report(out, Y2023)
    carry = {c.where: c for c in later.checks if c.rule == "series.carry"}
    assert carry["col=natural_person; 2023→2024"].cause == Cause.READING
    assert carry["col=total; 2023→2024"].cause == Cause.SOURCE
    assert later.status == Status.NEEDS_REVIEW
    assert later.series.status_alone == Status.OK
    # The 2023 document's carry cells are sure: its status stays, the failure listed in it.
    assert earlier.status == earlier_alone
    assert [c.cause for c in earlier.checks if c.rule == "series.carry"] == [
        Cause.READING,
        Cause.SOURCE,
    ]
    documents = {r["document"]: r["status"] for r in rows(out / "documents.csv")}
    assert documents == {Y2023: earlier_alone.value, Y2024: "needs_review"}
    # The review page shows the failure with the other document named.
    checks = document_payload(out, Y2024)["report"]["checks"]
    shown = [c for c in checks if c["rule"] == "series.carry"]
    assert shown[0]["other_document"] == Y2023 and shown[0]["cause"] == "reading"


@pytest.fixture(scope="module")
def fengtai(tmp_path_factory):
    """Seed 000 as PDF and as DOCX, processed once."""
    out = tmp_path_factory.mktemp("fengtai") / "out"
    process_document(SAMPLES / "pdf" / f"{SEED}.noto-serif-sc.pdf", out / PDF, PDF)
    process_document(SAMPLES / "docx" / f"{SEED}.docx", out / DOCX, DOCX)
    return out


def test_one_report_as_pdf_and_docx_agrees(tmp_path, fengtai):
    out = tmp_path / "out"
    shutil.copytree(fengtai, out)
    write_run_outputs([PDF, DOCX], out)
    for doc_id in (PDF, DOCX):
        r = report(out, doc_id)
        assert r.series is None and not [c for c in r.checks if c.rule.startswith("series.")]
    (line,) = rows(out / "series.csv")
    assert (line["agency_key"], line["documents"]) == ("丰台区人民政府", f"{DOCX} {PDF}")


def test_one_report_as_pdf_and_docx_disagreeing_in_one_cell(tmp_path, fengtai):
    out = tmp_path / "out"
    shutil.copytree(fengtai, out)
    changed = tmp_path / "fengtai.docx"
    document = docx.Document(SAMPLES / "docx" / f"{SEED}.docx")
    cells = [c for t in document.tables for r in t.rows for c in r.cells if c.text == "2111"]
    assert len({id(c._tc) for c in cells}) == 1  # new_received, natural_person
    cells[0].paragraphs[0].runs[0].text = "2112"
    document.save(changed)
    process_document(changed, out / DOCX, DOCX)
    write_run_outputs([PDF, DOCX], out)
    in_docx = [c for c in report(out, DOCX).checks if c.rule == "series.duplicate"]
    in_pdf = [c for c in report(out, PDF).checks if c.rule == "series.duplicate"]
    assert [(c.where, c.expected, c.found, c.other_document, c.cause) for c in in_docx] == [
        ("applications:new_received:natural_person", 2111, 2112, PDF, Cause.SOURCE)
    ]
    assert [(c.where, c.expected, c.found, c.other_document, c.cause) for c in in_pdf] == [
        ("applications:new_received:natural_person", 2112, 2111, DOCX, Cause.SOURCE)
    ]
    assert (
        in_pdf[0].cells
        == in_pdf[0].other_cells
        == [("applications", "new_received", "natural_person")]
    )
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert f"<td>{DOCX}</td><td>{PDF}</td><td>applications:new_received:natural_person</td>" in html


def doc(doc_id, year, template, over, forward, key="k", digest="d") -> SeriesDoc:
    cols = ("natural_person", "total")
    return SeriesDoc(
        doc_id,
        key,
        year,
        template,
        {c: (v, 1.0) for c, v in zip(cols, over)},
        {c: (v, 1.0) for c, v in zip(cols, forward)},
        digest,
    )


def test_the_carry_crosses_the_template_change_and_blank_counts_zero():
    result = series_checks(
        [
            doc("2020.pdf", 2020, "2019", (0, 0), (4, None)),  # total blank: counts 0
            doc("2021.pdf", 2021, "2021", (4, 0), (1, 1)),
            doc("2022.pdf", 2022, "2021", (2, 2), (0, 0)),
            doc("other.pdf", 2021, "2021", (9, 9), (0, 0), key="other"),
        ]
    )
    assert result.links == {("k", 2021): True, ("k", 2022): False}
    assert [(c.where, c.expected, c.found) for c in result.checks["2022.pdf"]] == [
        ("col=natural_person; 2021→2022", 1, 2),
        ("col=total; 2021→2022", 1, 2),
    ]
    assert result.checks["2020.pdf"] == [] and result.checks["other.pdf"] == []


def test_series_checks_applied_twice_give_the_same_report(tmp_path):
    base = process_document(SAMPLES / "text" / f"{SEED}.txt", tmp_path / "a", "a")
    checks = series_checks(
        [doc("a", 2023, "2021", (126, 126), (0, 0)), doc("b", 2022, "2021", (0, 0), (1, 1))]
    ).checks["a"]
    once = with_series(base, checks)
    assert once.to_json() == with_series(once, checks).to_json()
    assert with_series(once, []).to_json() == base.to_json()
