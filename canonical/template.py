"""A report template as data: its tables (rows, columns, printed labels), the identities
(勾稽关系) they satisfy, and the figures the body text restates.

The templates themselves are modules of data in `canonical/templates/`; everything downstream
(mapping, checks, corrections, writers, the review page) takes the template of the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# count: a non-negative integer; signed: an integer with its sign (本年增/减 +3, -3);
# decimal: a non-negative exact decimal, maybe with its unit written in the cell (251000元).
ValueKind = Literal["count", "signed", "decimal"]
CellRef = tuple[str, str, str]  # (table, row, col)


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    kind: ValueKind = "count"
    unit: str | None = None  # the unit the template prints for the column, if any


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    parent: str | None = None  # id of the group the row sits under, None for top level
    columns: tuple[str, ...] = ()  # column ids; empty means all of the table's columns
    layout: str | None = None  # the one layout of the table this row belongs to; None: all


@dataclass(frozen=True)
class Group:
    """A merged label spanning several rows (e.g. （三）不予公开); holds no values itself."""

    id: str
    label: str
    parent: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """One table of a template.

    `layouts` names the ways the table is printed, the first being the default (applications:
    （六）其他处理 as three rows, "split", or as one, "single"); a row with a `layout` exists
    only in that one. `matcher` says how the table is found in a grid (canonical/mapping.py):
    "labelled" rows carry their labels; a "single_row" table is one unlabelled row of numbers
    under a header made of its row and group labels. Where a row starting with `header_key`
    (信息内容) names the columns of the rows below it, values are placed by those names.
    """

    id: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    groups: tuple[Group, ...] = ()
    layouts: tuple[str, ...] = ()
    matcher: Literal["labelled", "single_row"] = "labelled"
    header_key: str | None = None

    def row(self, row_id: str) -> Row:
        return next(r for r in self.rows if r.id == row_id)

    def nodes(self) -> tuple[Row | Group, ...]:
        """Every printed row label: the rows' and the merged groups'."""
        return (*self.rows, *self.groups)

    def columns_of(self, row: Row) -> tuple[str, ...]:
        return row.columns or tuple(c.id for c in self.columns)

    def column(self, col_id: str) -> Column:
        return next(c for c in self.columns if c.id == col_id)

    def column_label(self, col_id: str) -> str:
        return self.column(col_id).label

    def rows_of(self, layout: str | None = None) -> tuple[Row, ...]:
        """The rows the table has when printed in `layout` (None: the default one)."""
        layout = layout or (self.layouts[0] if self.layouts else None)
        return tuple(r for r in self.rows if r.layout is None or r.layout == layout)

    def layout_of(self, matched_rows: set[str]) -> str | None:
        """The layout most of whose own rows were found; where as many of two were, the one
        listed later (the default only when none of another's were found). A row found of
        another layout is not in the table (see mapping.rebuild: it is reported)."""
        if not self.layouts:
            return None
        found = {
            layout: sum(r.layout == layout and r.id in matched_rows for r in self.rows)
            for layout in self.layouts
        }
        default, *others = self.layouts
        other = max(others, key=found.__getitem__, default=None)
        return other if other and found[other] and found[other] >= found[default] else default

    def label_path(self, row_id: str) -> str:
        """'三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密'."""
        groups = {g.id: g for g in self.groups}
        row = self.row(row_id)
        labels, parent = [row.label], row.parent
        while parent is not None:
            labels.insert(0, groups[parent].label)
            parent = groups[parent].parent
        return " › ".join(labels)


@dataclass(frozen=True)
class SumIdentity:
    """sum(lhs) = sum(rhs), in one table, checked once per column (`per="col"`: lhs and rhs are
    row ids) or once per row (`per="row"`: they are column ids). Rows or columns the table
    does not have in its layout are left out. `message` may use {label} (of that column or
    row), {expected} (sum of lhs) and {found} (sum of rhs). A blank cell counts 0: a blank
    total beside non-blank parts fails, as a source error when they were read surely."""

    rule: str
    table: str
    per: Literal["col", "row"]
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    message: str
    blank_message: str | None = None  # when every cell of rhs is blank (a total left empty)


@dataclass(frozen=True)
class Restated:
    """A figure the body text restates: `pattern`'s group 1 is the sum of `cells`."""

    pattern: str
    cells: tuple[CellRef, ...]


@dataclass(frozen=True)
class Template:
    id: str  # recorded in report.json as "template"
    name: str
    tables: tuple[TableSpec, ...]
    identities: tuple[SumIdentity, ...]
    restated: tuple[Restated, ...] = ()
    years: tuple[int, int | None] = (2019, None)  # the report years it was prescribed for

    def prescribed_for(self, year: int) -> bool:
        first, last = self.years
        return first <= year and (last is None or year <= last)

    def table(self, table_id: str) -> TableSpec:
        return next(t for t in self.tables if t.id == table_id)

    def labels(self) -> set[str]:
        """Every printed row, group and column label of the template."""
        return {n.label for t in self.tables for n in (*t.nodes(), *t.columns)}

    @property
    def table_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tables)
