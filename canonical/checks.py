"""The identities (勾稽关系) of the document's template, and figures the body text restates.

Each failure is one Check with what was expected and what was found. A failure is reported,
never "fixed": whether the source or the reading is wrong is decided in assess.py from the
cells' confidence.
"""

from __future__ import annotations

import re

from model.report import Check, Flag, Table
from model.text import compact

from . import values
from .document import CanonicalDocument
from .template import CellRef, SumIdentity, TableSpec


def run_checks(doc: CanonicalDocument, body_text: str) -> list[Check]:
    """All failed checks of a document, in a stable order."""
    return identity_failures(doc) + _restated_figures(doc, body_text)


def identity_failures(doc: CanonicalDocument) -> list[Check]:
    """Failed sum identities (the tables against themselves) and cells that are not numbers."""
    return [c for c in identities(doc) if not c.ok] + _value_formats(doc)


def identities(doc: CanonicalDocument) -> list[Check]:
    """Every sum identity that can be evaluated (all its cells present), holding or not."""
    out: list[Check] = []
    for identity in doc.template.identities:
        table = doc.table(identity.table)
        if table is not None:
            out += _evaluate(identity, doc.spec(identity.table), table)
    return out


def _evaluate(identity: SumIdentity, spec: TableSpec, table: Table) -> list[Check]:
    """The identity once per column (or row) of the table's layout."""
    out = []
    if identity.per == "col":
        rows = {r.id for r in spec.rows_of(table.other_layout)}
        lhs_rows = [r for r in identity.lhs if r in rows]
        rhs_rows = [r for r in identity.rhs if r in rows]
        for col in spec.columns:
            out += _identity(
                table,
                identity,
                f"col={col.id}",
                col.label,
                [(r, col.id) for r in lhs_rows],
                [(r, col.id) for r in rhs_rows],
            )
    else:
        for row in spec.rows_of(table.other_layout):
            columns = spec.columns_of(row)
            if set(identity.lhs + identity.rhs) <= set(columns):
                out += _identity(
                    table,
                    identity,
                    f"row={row.id}",
                    row.label,
                    [(row.id, c) for c in identity.lhs],
                    [(row.id, c) for c in identity.rhs],
                )
    return out


def _sum(table: Table, refs: list[tuple[str, str]]) -> int | None:
    """Sum of counts; a blank cell counts 0. None when a cell is missing (nothing to check)."""
    total = 0
    for row, col in refs:
        cell = table.cell(row, col)
        if Flag.MISSING in cell.flags:
            return None
        total += cell.value if isinstance(cell.value, int) else 0
    return total


def _identity(
    table: Table,
    identity: SumIdentity,
    where: str,
    label: str,
    lhs: list[tuple[str, str]],
    rhs: list[tuple[str, str]],
) -> list[Check]:
    expected, found = _sum(table, lhs), _sum(table, rhs)
    if expected is None or found is None:
        return []
    refs = {(identity.table, r, c): 1 for r, c in lhs} | {
        (identity.table, r, c): -1 for r, c in rhs
    }
    blank_total = expected != 0 and all(table.cell(r, c).value is None for r, c in rhs)
    template = (
        identity.blank_message if blank_total and identity.blank_message else identity.message
    )
    message = template.format(label=label, expected=expected, found=found)
    return [
        Check(
            rule=identity.rule,
            where=where,
            expected=expected,
            found=found,
            message=message,
            cells=[(identity.table, r, c) for r, c in (*lhs, *rhs)],
            ok=expected == found,
            signs=refs,
        )
    ]


def implied_value(check: Check, ref: CellRef, value: int) -> int | None:
    """The value the cell `ref`, read as `value`, would need for the failed sum `check` to
    hold; None when `check` is no sum of numbers, or `ref` is not in it."""
    expected, found = check.expected, check.found
    if ref not in check.signs or not (isinstance(expected, int) and isinstance(found, int)):
        return None
    return value - check.signs[ref] * (expected - found)


def _value_formats(doc: CanonicalDocument) -> list[Check]:
    out = []
    for table_id, cell in doc.all_cells():
        if Flag.NOT_A_NUMBER in cell.flags and cell.value is None:
            want = values.WANTED[doc.kind((table_id, cell.row, cell.col))]
            out.append(
                Check(
                    rule="value.format",
                    where=f"{table_id}:row={cell.row},col={cell.col}",
                    expected=want,
                    found=cell.text,
                    message=f"单元格内容“{cell.text}”不是{want}。",
                    cells=[(table_id, cell.row, cell.col)],
                )
            )
    return out


def restated_check(where: str, stated: int, found: int, refs: list[CellRef]) -> Check:
    """`where` is "text=" and what the text says."""
    return Check(
        rule="text.restated",
        where=where,
        expected=stated,
        found=found,
        message=f"正文写“{where.removeprefix('text=')}”，但表格中对应数字为 {found}。",
        cells=refs,
    )


def restated_sum(doc: CanonicalDocument, refs: list[CellRef]) -> int | None:
    """The sum of cells a figure restates; None when one is missing."""
    if not all(doc.table(t) for t, _, _ in refs):
        return None
    table = doc.tables[refs[0][0]]
    return _sum(table, [(r, c) for _, r, c in refs])


def _restated_figures(doc: CanonicalDocument, body_text: str) -> list[Check]:
    body_text = compact(body_text)  # PDF text layers space out '申请 21 件'
    out, seen = [], set()
    for restated in doc.template.restated:
        refs = list(restated.cells)
        if not all(doc.table(t) for t, _, _ in refs):
            continue
        for m in re.finditer(restated.pattern, body_text):
            stated = int(m.group(1))
            if (restated.cells, stated) in seen:
                continue
            seen.add((restated.cells, stated))
            found = restated_sum(doc, refs)
            if found is not None and found != stated:
                out.append(restated_check(f"text={m.group(0)}", stated, found, refs))
    return out
