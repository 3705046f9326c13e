"""A clerk's corrections (from `nianbao review`, kept in review.json) applied to a report, and
its checks and status worked out again.

For each cell the last correction counts. A corrected cell gets the new value, confidence 1.0
and the flag `reviewed`; the machine's own reading stays on the cell as `machine`, and the
machine's status and checks in the report's `review`. `apply_corrections` starts from the
machine readings, so applying the same corrections to a report that already holds them gives
the same report: the review page and a rerun of `nianbao run` both call it on whatever report
they have.
"""

from __future__ import annotations

from model.report import Cell, Check, Flag, Reading, Report, ReviewState, Status, Value
from model.review_log import ClerkCorrection

from . import values
from .assess import assess
from .checks import identity_failures, restated_check, restated_sum
from .document import CanonicalDocument
from .templates import template

DERIVED_FLAGS = {Flag.LOW_CONFIDENCE, Flag.IN_FAILED_CHECK}  # assess sets these again
CLEARED_BY_REVIEW = DERIVED_FLAGS | {Flag.MISSING, Flag.NOT_A_NUMBER, Flag.BLANK}
UNKNOWN_CELLS = "复核记录中有更正找不到对应的单元格"
NOT_APPLIED_ALL_BLANK = "复核更正会使表格中没有任何数字，没有应用。"
OUR_WARNINGS = (UNKNOWN_CELLS, NOT_APPLIED_ALL_BLANK)  # replaced each time corrections are applied


class ReviewError(ValueError):
    """A correction that cannot be made; the message is for the clerk."""


def apply_corrections(report: Report, corrections: list[ClerkCorrection]) -> Report:
    """The report with `corrections` applied and its checks redone (a new report; the one
    given is left as it is). A failed report (no tables) is returned as it is."""
    if report.status == Status.FAILED or not report.tables:
        return report
    new = report.model_copy(deep=True)
    machine = _back_to_machine_readings(new)
    reviewed: dict = {}
    unknown: list[str] = []
    for ref, c in {c.ref: c for c in corrections}.items():
        if ref[0] not in new.tables or not new.tables[ref[0]].has(ref[1], ref[2]):
            unknown.append(":".join(ref))
            continue
        cell = new.cell(ref)
        reviewed[ref] = machine.get(ref) or _reading(cell)
        cell.value, cell.confidence = c.new, 1.0
        cell.text = c.text if c.text is not None else _text(c.new)
        cell.flags = [f for f in cell.flags if f not in CLEARED_BY_REVIEW] + [Flag.REVIEWED]
        if c.new is None:
            cell.flag(Flag.BLANK)
    before = report.review or ReviewState(
        reviewed_cells=0, machine_status=report.status, machine_checks=report.checks
    )
    doc = CanonicalDocument(template(report.template), new.tables)
    checks = identity_failures(doc) + _restated(doc, before.machine_checks)
    built = assess(new.source, new.agency, new.year, doc, checks, new.corrections, [])
    warnings = [w for w in report.warnings if not w.startswith(OUR_WARNINGS)]
    if built.status == Status.FAILED:  # every number blanked: keep the tables, say so
        return report.model_copy(update={"warnings": [*warnings, NOT_APPLIED_ALL_BLANK]})
    for ref, reading in reviewed.items():
        new.cell(ref).machine = reading
    if unknown:
        warnings.append(f"{UNKNOWN_CELLS}（{len(unknown)} 处），没有应用：{'、'.join(unknown)}")
    return built.model_copy(
        update={
            "pipeline_version": report.pipeline_version,
            "warnings": warnings,
            "review": ReviewState(
                reviewed_cells=len(reviewed),
                machine_status=before.machine_status,
                machine_checks=before.machine_checks,
            )
            if reviewed
            else None,
        }
    )


def _back_to_machine_readings(report: Report) -> dict:
    """Put reviewed cells back at what the machine read and drop the flags assess derives;
    return those readings by cell."""
    machine = {}
    for table_id, table in report.tables.items():
        for cell in table.cells:
            if cell.machine is not None:
                machine[(table_id, cell.row, cell.col)] = cell.machine
                cell.value, cell.text = cell.machine.value, cell.machine.text
                cell.confidence, cell.flags = cell.machine.confidence, list(cell.machine.flags)
                cell.machine = None
            cell.flags = [f for f in cell.flags if f not in DERIVED_FLAGS | {Flag.REVIEWED}]
    return machine


def _reading(cell: Cell) -> Reading:
    return Reading(
        value=cell.value,
        text=cell.text,
        confidence=round(cell.confidence, 4),
        flags=list(cell.flags),
    )


def _text(value: Value) -> str:
    return "" if value is None else str(value)


def _restated(doc: CanonicalDocument, old_checks: list[Check]) -> list[Check]:
    """text.restated checks again: the body text is not stored, so each stored failure's
    `expected` (the figure the text states) is compared with the new sum of its cells."""
    out = []
    for old in old_checks:
        if old.rule != "text.restated" or not isinstance(old.expected, int):
            continue
        found = restated_sum(doc, list(old.cells))
        if found is not None and found != old.expected:
            out.append(restated_check(old.where, old.expected, found, list(old.cells)))
    return out


def parse_value(report: Report, table_id: str, col_id: str, text: str) -> Value:
    """What a clerk typed, as a cell value (blank is None); ReviewError if it is no number."""
    kind = template(report.template).table(table_id).column(col_id).kind
    parsed = values.parse(text, kind)
    if Flag.NOT_A_NUMBER in parsed.flags:
        raise ReviewError(f"“{text}”不是{values.WANTED[kind]}。")
    return parsed.value
