"""Checks across the documents of a run: the same agency year after year, the same report twice.

- `series.carry`: in every column, applications `carried_over` of year y equals
  `carried_forward` of year y−1 for the same agency (FORMAT.md, "Across reports"). The two
  templates have the same rows for it, so the link holds across 2020→2021 too.
- `series.duplicate`: two documents of the same agency, year and template (a PDF and its DOCX,
  a web page and its attachment) are one report: they must agree cell for cell.

A failure is a Check in *each* of the two documents, naming the other one (`other_document`,
`other_cells`), with `expected` the other's value and `found` this one's. Its `cause` is
`source` when every cell involved (in both documents) was read surely (assess.EXACT), else
`reading`. As for the identities: a blank cell counts 0, and a missing one is not compared.

The functions here work on `SeriesDoc`s, small summaries a run keeps of each document, so that a
run over 100,000 documents never holds their reports; the cells of two copies are fetched only
when their digests differ.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from model.report import Cause, CellRef, Check, Flag, Report, SeriesState, Status, Value

from .assess import EXACT
from .templates import DEFAULT

CARRY = "series.carry"
DUPLICATE = "series.duplicate"
RULES = (CARRY, DUPLICATE)
APPLICATIONS = "applications"
CARRIED_OVER, CARRIED_FORWARD = "carried_over", "carried_forward"
_SPEC = DEFAULT.table(APPLICATIONS)  # rows and columns of 三 are the same in both templates
COLUMNS = tuple(c.id for c in _SPEC.columns)

Reading = tuple[Value, float]  # (value, confidence) of a cell that is there
Cells = dict[CellRef, Reading]  # every cell of a document that is not missing


@dataclass(frozen=True)
class SeriesDoc:
    """What the series checks need of one document."""

    doc_id: str
    agency_key: str
    year: int
    template: str
    carried_over: dict[str, Reading]  # column -> reading; a missing cell is left out
    carried_forward: dict[str, Reading]
    digest: str  # of every cell's comparable value: two copies agree when their digests do


def series_doc(doc_id: str, agency_key: str | None, report: Report) -> SeriesDoc | None:
    """The summary of a report with tables, an agency and a year; None for any other."""
    if not (agency_key and report.year and report.template and report.tables):
        return None
    cells = readings(report)
    return SeriesDoc(
        doc_id=doc_id,
        agency_key=agency_key,
        year=report.year,
        template=report.template,
        carried_over=_row(cells, CARRIED_OVER),
        carried_forward=_row(cells, CARRIED_FORWARD),
        digest=digest(cells),
    )


def readings(report: Report) -> Cells:
    """Every cell that was found (missing ones left out), as (value, confidence)."""
    return {
        (table_id, c.row, c.col): (c.value, c.confidence)
        for table_id, table in report.tables.items()
        for c in table.cells
        if Flag.MISSING not in c.flags
    }


def digest(cells: Cells) -> str:
    text = "\n".join(f"{'|'.join(ref)}={_comparable(v)}" for ref, (v, _) in sorted(cells.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _row(cells: Cells, row: str) -> dict[str, Reading]:
    return {col: cells[ref] for col in COLUMNS if (ref := (APPLICATIONS, row, col)) in cells}


def _same(a: Value, b: Value) -> bool:
    if type(a) is int and type(b) is int:  # nearly always: counts
        return a == b
    return _comparable(a) == _comparable(b)


def _comparable(value: Value) -> Decimal | str:
    """Blank counts 0, as in the identities; amounts compare as numbers (5098.40 = 5098.4)."""
    if value is None:
        return Decimal(0)
    try:
        return Decimal(value).normalize()
    except InvalidOperation:
        return str(value)


@dataclass
class SeriesResult:
    """The series checks of each document, and the year-over-year links (series.csv)."""

    checks: dict[str, list[Check]] = field(default_factory=lambda: defaultdict(list))
    # (agency_key, year y) -> does the link y-1 → y hold (every pair of documents, every column)
    links: dict[tuple[str, int], bool] = field(default_factory=dict)


def series_checks(
    docs: Iterable[SeriesDoc], cells_of: Callable[[str], Cells] | None = None
) -> SeriesResult:
    """Carry and duplicate checks over `docs` (one agency's, or a whole run's). `cells_of`
    gives a document's cells when two copies' digests differ; without it duplicates are not
    compared."""
    result = SeriesResult()
    by_agency: dict[str, dict[int, list[SeriesDoc]]] = defaultdict(lambda: defaultdict(list))
    for doc in docs:
        by_agency[doc.agency_key][doc.year].append(doc)
    for key, years in by_agency.items():
        for year, this_year in years.items():
            for doc in this_year:
                result.checks.setdefault(doc.doc_id, [])
            last_year = years.get(year - 1)
            if last_year:
                holds = True
                for before in last_year:
                    for after in this_year:
                        holds &= _carry(before, after, result.checks)
                result.links[(key, year)] = holds
            if cells_of is not None:
                _duplicates(this_year, cells_of, result.checks)
    for checks in result.checks.values():
        checks.sort(key=lambda c: (c.rule, c.other_document or "", c.where))
    return result


def _carry(before: SeriesDoc, after: SeriesDoc, checks: dict[str, list[Check]]) -> bool:
    """Compare `before`'s carried_forward with `after`'s carried_over; True if all agree."""
    holds = True
    for col in COLUMNS:
        forward, over = before.carried_forward.get(col), after.carried_over.get(col)
        if forward is None or over is None or _same(forward[0], over[0]):
            continue
        holds = False
        cause = _cause(forward, over)
        label = _SPEC.column_label(col)
        where = f"col={col}; {before.year}→{after.year}"
        message = (
            f"{label}：{before.year} 年报告“结转下年度继续办理”为 {_shown(forward[0])}，"
            f"{after.year} 年报告“上年结转”为 {_shown(over[0])}。"
        )
        forward_ref = (APPLICATIONS, CARRIED_FORWARD, col)
        over_ref = (APPLICATIONS, CARRIED_OVER, col)
        checks[after.doc_id].append(
            _check(CARRY, where, forward[0], over[0], cause, message, over_ref, before, forward_ref)
        )
        checks[before.doc_id].append(
            _check(CARRY, where, over[0], forward[0], cause, message, forward_ref, after, over_ref)
        )
    return holds


def _duplicates(
    docs: list[SeriesDoc], cells_of: Callable[[str], Cells], checks: dict[str, list[Check]]
) -> None:
    """Every two copies of the same template that differ somewhere, cell by cell."""
    loaded: dict[str, Cells] = {}
    for i, a in enumerate(docs):
        for b in docs[i + 1 :]:
            if a.template != b.template or a.digest == b.digest:
                continue
            cells_a = loaded.setdefault(a.doc_id, cells_of(a.doc_id))
            cells_b = loaded.setdefault(b.doc_id, cells_of(b.doc_id))
            for ref in sorted(cells_a.keys() & cells_b.keys()):
                in_a, in_b = cells_a[ref], cells_b[ref]
                if _same(in_a[0], in_b[0]):
                    continue
                cause = _cause(in_a, in_b)
                where = ":".join(ref)
                message = (
                    "同一份报告的两个文件在此单元格不一致："
                    f"{_shown(in_a[0])} 与 {_shown(in_b[0])}。"
                )
                checks[a.doc_id].append(
                    _check(DUPLICATE, where, in_b[0], in_a[0], cause, message, ref, b, ref)
                )
                checks[b.doc_id].append(
                    _check(DUPLICATE, where, in_a[0], in_b[0], cause, message, ref, a, ref)
                )


def _check(
    rule: str,
    where: str,
    expected: Value,
    found: Value,
    cause: Cause,
    message: str,
    own: CellRef,
    other: SeriesDoc,
    other_ref: CellRef,
) -> Check:
    return Check(
        rule=rule,
        where=where,
        expected=expected,
        found=found,
        cause=cause,
        message=message,
        cells=[own],
        other_document=other.doc_id,
        other_cells=[other_ref],
    )


def _cause(*readings: Reading) -> Cause:
    return Cause.SOURCE if all(conf >= EXACT for _, conf in readings) else Cause.READING


def _shown(value: Value) -> str:
    return "空白" if value is None else str(value)


def is_series(check: Check) -> bool:
    return check.rule in RULES


def with_series(report: Report, series: list[Check]) -> Report:
    """The report with `series` as its series checks (replacing any it had), and its status
    and summary worked out again. A failure that involves one of the document's own cells read
    below assess.EXACT makes it needs_review: such a cell may be the misreading. Applying the
    same checks twice gives the same report."""
    alone = report.series.status_alone if report.series else report.status
    checks = [c for c in report.checks if not is_series(c)] + list(series)
    status = alone
    if alone == Status.OK and any(_unsure_own_cell(report, c) for c in series):
        status = Status.NEEDS_REVIEW
    summary = report.summary
    if summary is not None:
        summary = summary.model_copy(
            update={
                "failed_checks": len(checks),
                "source_errors": sum(c.cause == Cause.SOURCE for c in checks),
            }
        )
    return report.model_copy(
        update={
            "checks": checks,
            "status": status,
            "summary": summary,
            "series": SeriesState(status_alone=alone) if series else None,
        }
    )


def alone(report: Report) -> Report:
    """The report as its document alone gives it: without series checks."""
    return (
        with_series(report, []) if report.series or any(map(is_series, report.checks)) else report
    )


def _unsure_own_cell(report: Report, check: Check) -> bool:
    return any(_has(report, ref) and report.cell(ref).confidence < EXACT for ref in check.cells)


def _has(report: Report, ref: CellRef) -> bool:
    table = report.tables.get(ref[0])
    return table is not None and table.has(ref[1], ref[2])
