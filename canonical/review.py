"""A clerk's corrections (from `nianbao review`) applied to a report, and the checks redone.

The corrections of one document live in `OUT/<doc>/review.json`, oldest first:

    {"schema_version": 1, "source_sha256": "…",
     "corrections": [{"table": "applications", "row": "new_received", "col": "total",
                      "old": 73, "new": 78, "text": "78", "time": "2024-05-01T10:00:00+08:00"}]}

For each cell the last correction counts. A corrected cell gets the new value, confidence 1.0
and the flag `reviewed`; the machine's own reading stays on the cell as `machine`, and the
machine's status and checks in the report's `review` object. Status, checks and summary are then
recomputed as the pipeline does (checks.py, report.py).
`apply_corrections` starts from the machine readings, so applying the same corrections to a
report that already holds them gives the same report: the server and a rerun of `nianbao run`
(flows/document.py) both call it on whatever report they have.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from . import values
from .checks import Check, identity_failures
from .corrections import Correction
from .model import IN_FAILED_CHECK, LOW_CONFIDENCE, MISSING, CanonicalDocument, CanonicalTable, Cell
from .report import build_report
from .schema import TABLES_BY_ID
from .writers import atomic_write_bytes

REVIEW_NAME = "review.json"
REVIEWED = "reviewed"
DERIVED_FLAGS = {LOW_CONFIDENCE, IN_FAILED_CHECK}  # build_report sets these again
CLEARED_BY_REVIEW = DERIVED_FLAGS | {MISSING, values.NOT_A_NUMBER, values.BLANK}
UNKNOWN_CELLS = "复核记录中有更正找不到对应的单元格"
NOT_APPLIED_ALL_BLANK = "复核更正会使表格中没有任何数字，没有应用。"
OUR_WARNINGS = (UNKNOWN_CELLS, NOT_APPLIED_ALL_BLANK)  # replaced each time corrections are applied


class ReviewError(ValueError):
    """A correction that cannot be made; the message is for the clerk."""


def apply_corrections(report: dict, corrections: list[dict]) -> dict:
    """The report with `corrections` (review.json's list) applied and its checks redone.
    A failed report (no tables) is returned as it is."""
    if report["status"] == "failed" or not report.get("tables"):
        return report
    doc, machine = document_from_report(report)
    latest = {(c["table"], c["row"], c["col"]): c for c in corrections}
    reviewed, unknown = {}, []
    for ref, c in latest.items():
        table = doc.tables.get(ref[0])
        cell = table.cells.get(ref[1:]) if table else None
        if cell is None:
            unknown.append(":".join(ref))
            continue
        reviewed[ref] = machine.get(ref) or _reading(cell)
        cell.value, cell.text, cell.confidence = c["new"], c.get("text", _text(c["new"])), 1.0
        cell.flags = [f for f in cell.flags if f not in CLEARED_BY_REVIEW] + [REVIEWED]
        if c["new"] is None:
            cell.flag(values.BLANK)
    before = report.get("review") or {"machine_status": report["status"],
                                      "machine_checks": report["checks"]}
    checks = identity_failures(doc) + _restated(doc, before["machine_checks"])
    built = build_report(report["source"], report["agency"], report["year"], doc, checks,
                         [Correction(**c) for c in report.get("corrections", [])], [])
    warnings = [w for w in report["warnings"] if not w.startswith(OUR_WARNINGS)]
    if built["status"] == "failed":  # every number blanked: keep the tables, say so
        return {**report, "warnings": warnings + [NOT_APPLIED_ALL_BLANK]}
    new = {**report, **{k: v for k, v in built.items() if k not in ("warnings", "corrections")}}
    new["warnings"] = warnings
    new.pop("review", None)
    if reviewed:
        for table_id, table_json in new["tables"].items():
            for cell in table_json["cells"]:
                ref = (table_id, cell["row"], cell["col"])
                if ref in reviewed:
                    cell["machine"] = reviewed[ref]
        new["review"] = {"reviewed_cells": len(reviewed),
                         "machine_status": before["machine_status"],
                         "machine_checks": before["machine_checks"]}
    if unknown:
        new["warnings"].append(f"{UNKNOWN_CELLS}（{len(unknown)} 处），没有应用：{'、'.join(unknown)}")
    return new


def document_from_report(report: dict) -> tuple[CanonicalDocument, dict]:
    """The CanonicalDocument of report.json's cells, with reviewed cells back at the machine's
    reading, and those readings ({ref: machine}) apart."""
    tables, machine = {}, {}
    for table_id, table_json in report["tables"].items():
        cells = {}
        for c in table_json["cells"]:
            reading = c.get("machine") or c
            if "machine" in c:
                machine[(table_id, c["row"], c["col"])] = c["machine"]
            cells[(c["row"], c["col"])] = Cell(
                c["row"], c["col"], reading["value"], reading["text"], reading["confidence"],
                c["page"], tuple(c["bbox"]) if c["bbox"] else None,
                [f for f in reading["flags"] if f not in DERIVED_FLAGS | {REVIEWED}])
        tables[table_id] = CanonicalTable(TABLES_BY_ID[table_id], cells,
                                          table_json.get("other_layout", "split"))
    return CanonicalDocument(tables), machine


def _reading(cell: Cell) -> dict:
    return {"value": cell.value, "text": cell.text, "confidence": round(cell.confidence, 4),
            "flags": list(cell.flags)}


def _text(value) -> str:
    return "" if value is None else str(value)


def _restated(doc: CanonicalDocument, old_checks: list[dict]) -> list[Check]:
    """text.restated checks again: the body text is not stored, so each stored failure's
    `expected` (the figure the text states) is compared with the new sum of its cells."""
    out = []
    for old in old_checks:
        if old["rule"] != "text.restated":
            continue
        refs = [tuple(ref) for ref in old["cells"]]
        cells = [doc.tables[t].cells[(r, c)] for t, r, c in refs]
        if any(MISSING in cell.flags for cell in cells):
            continue
        found = sum(cell.value for cell in cells if isinstance(cell.value, int))
        if found != old["expected"]:
            stated = old["where"].removeprefix("text=")
            out.append(Check("text.restated", old["where"], old["expected"], found,
                             f"正文写“{stated}”，但表格中对应数字为 {found}。", refs))
    return out


# ---- review.json ---------------------------------------------------------------------------

def load_review(doc_dir: Path) -> dict:
    path = doc_dir / REVIEW_NAME
    if not path.exists():
        return {"schema_version": 1, "source_sha256": None, "corrections": []}
    return json.loads(path.read_text(encoding="utf-8"))


def reapply_review(report: dict, doc_dir: Path) -> dict:
    """For a rerun: the report with the corrections of `doc_dir`'s review.json, if they were
    made on this same input file (same sha256); otherwise a warning says they were not."""
    try:
        review = load_review(doc_dir)
    except (OSError, ValueError) as e:
        return {**report, "warnings": report["warnings"] + [
            f"复核记录 {REVIEW_NAME} 无法读取（{e}），其中的更正没有应用。"]}
    if not review["corrections"] or report["status"] == "failed":
        return report
    if review.get("source_sha256") != report["source"]["sha256"]:
        return {**report, "warnings": report["warnings"] + [
            f"复核记录 {REVIEW_NAME} 是针对该文件的另一版本做的，其中的 "
            f"{len(review['corrections'])} 处更正没有应用。"]}
    try:
        return apply_corrections(report, review["corrections"])
    except (KeyError, TypeError, ValueError) as e:  # a review.json edited by hand
        return {**report, "warnings": report["warnings"] + [
            f"复核记录 {REVIEW_NAME} 格式有误（{type(e).__name__}: {e}），其中的更正没有应用。"]}


def parse_value(table_id: str, row_id: str, text: str) -> int | str | None:
    """What a clerk typed, as a cell value (blank is None); ReviewError if it is no number."""
    kind = TABLES_BY_ID[table_id].row(row_id).kind
    value, flags = values.parse(text, kind)
    if values.NOT_A_NUMBER in flags:
        want = "非负整数" if kind == "count" else "非负数"
        raise ReviewError(f"“{text}”不是{want}。")
    return value


def add_correction(report: dict, doc_dir: Path, table_id: str, row_id: str, col_id: str,
                   text: str, now: datetime | None = None) -> dict:
    """Record one correction in review.json and return the report with all of them applied
    (the caller writes it)."""
    if report["status"] == "failed" or table_id not in report.get("tables", {}):
        raise ReviewError("该文档没有这张表格，无法更正。")
    cell = next((c for c in report["tables"][table_id]["cells"]
                 if c["row"] == row_id and c["col"] == col_id), None)
    if cell is None:
        raise ReviewError("没有这个单元格。")
    new = parse_value(table_id, row_id, text)
    review = load_review(doc_dir)
    review["source_sha256"] = report["source"]["sha256"]
    review["corrections"].append({
        "table": table_id, "row": row_id, "col": col_id, "old": cell["value"], "new": new,
        "text": text.strip(),
        "time": (now or datetime.now()).astimezone().isoformat(timespec="seconds")})
    corrected = apply_corrections(report, review["corrections"])
    if NOT_APPLIED_ALL_BLANK in corrected["warnings"]:
        raise ReviewError(NOT_APPLIED_ALL_BLANK)
    data = json.dumps(review, ensure_ascii=False, indent=1) + "\n"
    atomic_write_bytes(doc_dir / REVIEW_NAME, data.encode("utf-8"))
    return corrected
