"""A document's verdict: which cells are unsure, what caused each failed check, and its status.

status:
- ok: every table found, every cell read with high confidence, and any failed identity is the
  source's own (all its cells were read exactly, so the printed table is inconsistent).
- needs_review: a table or cell is missing, a cell is unsure, a failed identity involves an
  unsure cell (it may be a misreading), or a header label or cell is not the template's.
- failed: the document could not be read, is not an annual report, or is one without the
  standard tables (2018 and before, or narrative only); `error` says why.
"""

from __future__ import annotations

from model.report import (
    Cause,
    Cell,
    CellRef,
    Check,
    Correction,
    Flag,
    Report,
    Source,
    Status,
    Summary,
)
from model.text import is_subsequence

from .checks import implied_value
from .document import CanonicalDocument
from .templates import FIRST_YEAR

REVIEW_BELOW = 0.90  # a value less likely than this to be right is flagged for review
# Read at least this surely, a failed identity is the source's error. On 3,000 cells of fresh
# scans at every degradation level (bench/run.py --scans) no wrong cell scored above 0.5.
EXACT = 0.98

EMPTY_TABLES = "找到了年度报告的表格，但表格里没有填写任何数字（可能是空白模板）。"
NO_STANDARD_TABLES = (
    "这是{year}政府信息公开工作年度报告，但其中没有标准表格（主动公开、收到和处理申请、"
    "行政复议和诉讼三张表）：{why}因此没有可读取的表格数据。"
)
BEFORE_TABLES = "统一格式的表格自 2019 年度报告起才有，2018 年及以前的年度报告没有这些表格，"
NO_TABLES_FOUND = "表格可能以图片形式插入，或被省略，"
NOT_A_REPORT = (
    "文件中没有找到年度报告的三张表格（主动公开、收到和处理申请、行政复议和诉讼），"
    "它可能不是政府信息公开工作年度报告。"
)
UNSURE = {Flag.MISSING, Flag.LOW_CONFIDENCE}


def assess(
    source: Source,
    agency: str | None,
    year: int | None,
    doc: CanonicalDocument,
    checks: list[Check],
    corrections: list[Correction],
    warnings: list[str],
    titled: bool = False,
) -> Report:
    """The report of a document whose tables were rebuilt: flags, causes, status, summary.
    Derived flags (low_confidence, in_failed_check) are set on the document's cells. `titled`:
    the document's title says it is an annual report (政府信息公开工作年度报告)."""
    before_tables = year is not None and year < FIRST_YEAR
    # Before 2019 no report had the standard tables: what was found is some other table.
    if titled and (
        not doc.tables or (before_tables and len(doc.tables) < len(doc.template.tables))
    ):
        why = BEFORE_TABLES if before_tables else NO_TABLES_FOUND
        when = f" {year} 年度的" if year else "一份"
        message = NO_STANDARD_TABLES.format(year=when, why=why)
        report = failed_report(source, message, "no_standard_tables", warnings)
        return report.model_copy(update={"agency": agency, "year": year})
    if not doc.tables:
        return failed_report(source, NOT_A_REPORT, "not_a_report", warnings)
    cells = dict(((t, c.row, c.col), c) for t, c in doc.all_cells())
    if all(c.value is None for c in cells.values()):
        return failed_report(source, EMPTY_TABLES, "empty_tables", warnings)
    for cell in cells.values():
        if cell.confidence < REVIEW_BELOW and Flag.MISSING not in cell.flags:
            cell.flag(Flag.LOW_CONFIDENCE)
    for check in checks:
        involved = {ref: cells[ref] for ref in check.cells if ref in cells}
        check.cause = _cause(check, involved)
        for cell in involved.values():
            cell.flag(Flag.IN_FAILED_CHECK)
    missing = [t for t in doc.template.tables if t.id not in doc.tables]
    unsure = [c for c in cells.values() if UNSURE & set(c.flags)]
    needs_review = (
        bool(unsure)
        or bool(missing)
        or bool(doc.unrecognised)
        or any(check.cause != Cause.SOURCE for check in checks)
    )
    return Report(
        source=source,
        agency=agency,
        year=year,
        template=doc.template.id,
        status=Status.NEEDS_REVIEW if needs_review else Status.OK,
        tables=doc.tables,
        checks=checks,
        corrections=corrections,
        summary=Summary(
            cells=len(cells),
            unsure_cells=len(unsure),
            failed_checks=len(checks),
            source_errors=sum(c.cause == Cause.SOURCE for c in checks),
            corrections=len(corrections),
        ),
        warnings=[*warnings, *doc.unrecognised, *(f"没有找到表格：{t.title}" for t in missing)],
    )


def _cause(check: Check, involved: dict[CellRef, Cell]) -> Cause:
    """A failed check is the source's error when its cells were read exactly (EXACT), or all
    but one, and the value that one would need is no misreading of what was read (see
    _misread_as): a "9" read at 0.967 (a look-alike digit) would have had to be 23. Else it
    may be a misreading."""
    unsure = [ref for ref, cell in involved.items() if cell.confidence < EXACT]
    if not unsure:
        return Cause.SOURCE
    read = involved[unsure[0]].value
    if len(unsure) == 1 and isinstance(read, int):
        needed = implied_value(check, unsure[0], read)
        if needed is not None and not _misread_as(read, needed):
            return Cause.SOURCE
    return Cause.READING


def _misread_as(read: int, needed: int) -> bool:
    """Could `needed` have been read as `read`? A count is not negative; the recogniser takes
    one digit for another, drops one or adds one (a rule's remnant read "1"), but not more."""
    if needed < 0:
        return False
    a, b = str(read), str(needed)
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    return abs(len(a) - len(b)) == 1 and is_subsequence(min(a, b, key=len), max(a, b, key=len))


def failed_report(
    source: Source, error: str, code: str = "unreadable", warnings: list[str] | tuple[str, ...] = ()
) -> Report:
    return Report(
        source=source, status=Status.FAILED, warnings=list(warnings), error=error, error_code=code
    )
