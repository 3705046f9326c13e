"""The accounting identities (勾稽关系) of FORMAT.md, and figures the body text restates.

Each failure is one Check with what was expected and what was found. A failure is reported,
never "fixed": whether the source or the reading is wrong is decided in report.py from the
cells' confidence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import values
from .model import MISSING, CanonicalDocument, CanonicalTable
from .schema import APPLICANT_COLUMNS, APPLICATIONS, OUTCOME_ROWS, REVIEWS_LITIGATION, table_rows

CellRef = tuple[str, str, str]  # (table, row, col)


@dataclass
class Check:
    rule: str
    where: str
    expected: int | str | None
    found: int | str | None
    message: str
    cells: list[CellRef] = field(default_factory=list)
    ok: bool = False
    cause: str = "unknown"  # "source" (printed so) | "reading" | "unknown"; set by report.py
    signs: dict[CellRef, int] = field(default_factory=dict)  # +1 expected side, -1 found side


def run_checks(doc: CanonicalDocument, body_text: str) -> list[Check]:
    """All failed checks of a document, in a stable order."""
    return identity_failures(doc) + _restated_figures(doc, body_text)


def identity_failures(doc: CanonicalDocument) -> list[Check]:
    """Failed identities 1–5 (the table against itself) and cells that are not numbers."""
    return [c for c in identities(doc) if not c.ok] + _value_formats(doc)


def identities(doc: CanonicalDocument) -> list[Check]:
    """Every sum identity that can be evaluated (all its cells present), holding or not."""
    out: list[Check] = []
    apps = doc.table(APPLICATIONS.id)
    if apps:
        out += _balance(apps) + _outcomes(apps) + _row_totals(apps, APPLICANT_COLUMNS,
                                                              "六类申请人之和")
    reviews = doc.table(REVIEWS_LITIGATION.id)
    if reviews:
        out += _row_totals(reviews, ("upheld", "corrected", "other", "pending"),
                           "维持+纠正+其他+尚未审结")
    return out


def _sum(table: CanonicalTable, refs: list[tuple[str, str]]) -> int | None:
    """Sum of counts; a blank cell counts 0. None when a cell is missing (nothing to check)."""
    total = 0
    for ref in refs:
        cell = table.cells[ref]
        if MISSING in cell.flags:
            return None
        total += cell.value if isinstance(cell.value, int) else 0
    return total


def _identity(table, rule, where, lhs, rhs, message) -> list[Check]:
    expected, found = _sum(table, lhs), _sum(table, rhs)
    if expected is None or found is None:
        return []
    cells = [(table.id, r, c) for r, c in (*lhs, *rhs)]
    signs = {**{(table.id, r, c): 1 for r, c in lhs}, **{(table.id, r, c): -1 for r, c in rhs}}
    return [Check(rule, where, expected, found, message.format(expected=expected, found=found),
                  cells, ok=expected == found, signs=signs)]


def _balance(apps: CanonicalTable) -> list[Check]:
    out = []
    for col in APPLICATIONS.columns:
        out += _identity(
            apps, "applications.balance", f"col={col.id}",
            [("new_received", col.id), ("carried_over", col.id)],
            [("total_processed", col.id), ("carried_forward", col.id)],
            f"“{col.label}”列：本年新收 + 上年结转 = {{expected}}，"
            f"但办理结果总计 + 结转下年度 = {{found}}，两者应相等。")
    return out


def _outcomes(apps: CanonicalTable) -> list[Check]:
    present = {r.id for r in table_rows(APPLICATIONS, apps.other_layout)}
    outcome_rows = [r for r in OUTCOME_ROWS if r in present]
    out = []
    for col in APPLICATIONS.columns:
        out += _identity(
            apps, "applications.outcomes_sum", f"col={col.id}",
            [(r, col.id) for r in outcome_rows], [("total_processed", col.id)],
            f"“{col.label}”列：各项办理结果之和为 {{expected}}，但“（七）总计”为 {{found}}。")
    return out


def _row_totals(table: CanonicalTable, parts: tuple[str, ...], what: str) -> list[Check]:
    out = []
    for row in table_rows(table.schema, table.other_layout):
        out += _identity(
            table, f"{table.id}.row_total", f"row={row.id}",
            [(row.id, c) for c in parts], [(row.id, "total")],
            f"“{row.label}”一行：{what}为 {{expected}}，但“总计”为 {{found}}。")
    return out


def _value_formats(doc: CanonicalDocument) -> list[Check]:
    out = []
    for table_id, cell in doc.all_cells():
        if values.NOT_A_NUMBER in cell.flags and cell.value is None:
            kind = doc.tables[table_id].schema.row(cell.row).kind
            want = "非负整数" if kind == "count" else "非负数"
            out.append(Check("value.format", f"{table_id}:row={cell.row},col={cell.col}",
                             want, cell.text,
                             f"单元格内容“{cell.text}”不是{want}。",
                             [(table_id, cell.row, cell.col)]))
    return out


# Figures the body text often restates: (pattern, cells whose sum it states, what it is).
RESTATED = (
    (r"行政复议(\d+)件", [("reviews_litigation", "review", "total")]),
    (r"行政诉讼的?(\d+)件", [("reviews_litigation", "suit_direct", "total"),
                         ("reviews_litigation", "suit_after_review", "total")]),
    (r"(?:共受理|新收)[^，。；,;\d]{0,12}?(\d+)件", [("applications", "new_received", "total")]),
    (r"政府信息公开申请(\d+)件", [("applications", "new_received", "total")]),
    (r"上年结转[^，。；,;\d]{0,8}?(\d+)件", [("applications", "carried_over", "total")]),
    (r"结转(?:20\d\d年度?|下年度?)?继续办理(\d+)件", [("applications", "carried_forward", "total")]),
)


def _restated_figures(doc: CanonicalDocument, body_text: str) -> list[Check]:
    body_text = re.sub(r"\s+", "", body_text)  # PDF text layers space out '申请 21 件'
    out, seen = [], set()
    for pattern, refs in RESTATED:
        tables = {t for t, _, _ in refs}
        if not all(doc.table(t) for t in tables):
            continue
        for m in re.finditer(pattern, body_text):
            stated = int(m.group(1))
            key = (tuple(refs), stated)
            if key in seen:
                continue
            seen.add(key)
            table = doc.tables[refs[0][0]]
            found = _sum(table, [(r, c) for _, r, c in refs])
            if found is None or found == stated:
                continue
            out.append(Check("text.restated", f"text={m.group(0)}", stated, found,
                             f"正文写“{m.group(0)}”，但表格中对应数字为 {found}。", list(refs)))
    return out
