"""report.json is written from one typed model, and every output validates against the JSON
Schema published in docs/ (generated from that model)."""

import json
from pathlib import Path

import jsonschema
import pytest
from helpers import SAMPLES, SEED_002

from canonical.checks import run_checks
from canonical.mapping import rebuild
from canonical.template import Column, Row, SumIdentity, TableSpec, Template
from model.grid import Extraction, Grid, GridCell
from model.report import Report, json_schema

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "report.schema.json"


def test_published_schema_is_the_models():
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == json_schema()


@pytest.mark.parametrize(
    "path",
    [
        SAMPLES / "text" / f"{SEED_002}.txt",  # ok, with source errors
        SAMPLES / "docx" / "000_de4a6e6b343917dd.docx",
        SAMPLES / "scans" / "004_35a7a0986a780ec4.rotated90.p4.jpg",  # scanned_pages
    ],
    ids=lambda p: p.name,
)
def test_reports_validate_against_the_schema_and_round_trip(path, tmp_path):
    from flows.document import process_document

    process_document(path, tmp_path, path.name)
    written = (tmp_path / "report.json").read_bytes()
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(json.loads(written))
    assert Report.from_json(written).to_json() == written
    assert json.loads(written)["template"] == "2021"


def test_failed_report_validates(tmp_path):
    from flows.document import process_document

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    report = process_document(empty, tmp_path / "out", "empty.txt")
    written = json.loads((tmp_path / "out" / "report.json").read_bytes())
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(written)
    assert report.status == "failed" and written["error_code"] == "unreadable"
    assert "review" not in written and "machine" not in json.dumps(written)


# A template is data: a made-up one with one table and one identity works end to end.
TOY = Template(
    id="toy",
    name="toy",
    tables=(
        TableSpec(
            id="counts",
            title="一、计数",
            columns=(Column("a", "甲类"), Column("b", "乙类"), Column("total", "合计")),
            rows=(Row("apples", "苹果数量"), Row("pears", "梨子数量")),
        ),
    ),
    identities=(
        SumIdentity(
            "counts.row_total",
            "counts",
            "row",
            ("a", "b"),
            ("total",),
            "“{label}”：甲+乙 = {expected}，合计 {found}。",
        ),
    ),
)


def test_a_template_is_data():
    def row(r: int, *texts: str) -> list[GridCell]:
        return [GridCell(r, c, t) for c, t in enumerate(texts)]

    grid = Grid(
        [
            *row(0, "项目", "甲类", "乙类", "合计"),
            *row(1, "梨子数量", "1", "2", "3"),
            *row(2, "苹果数量", "4", "5", "10"),
        ]
    )
    doc = rebuild(Extraction("text", "", [grid]), TOY)
    assert [(c.row, c.col, c.value) for c in doc.tables["counts"].cells] == [
        ("apples", "a", 4),
        ("apples", "b", 5),
        ("apples", "total", 10),
        ("pears", "a", 1),
        ("pears", "b", 2),
        ("pears", "total", 3),
    ]
    (check,) = run_checks(doc, "")
    assert (check.rule, check.where, check.expected, check.found) == (
        "counts.row_total",
        "row=apples",
        9,
        10,
    )
    assert check.message == "“苹果数量”：甲+乙 = 9，合计 10。"
