"""Grid rows → canonical tables. One mapping for every input kind.

Rows are matched by their labels, never by position: each grid row is offered, in document
order and across all grids (so tables continued over a page break join up), to one matcher per
table. Merged group labels (（三）不予公开 …) sit only in the first row of their group, so the
applications matcher carries the current group from row to row. Values are the cells right of
the matched label.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from model.grid import Extraction, GridCell
from model.report import Cell, Flag, Table

from . import values
from .document import CanonicalDocument
from .labels import has_cjk, label_key, match_score
from .template import Group, Row, TableSpec, Template
from .templates import DEFAULT

MIN_SCORE = 0.75


class Matcher(Protocol):
    """Takes the grid rows of one table, offered one by one in document order."""

    table: TableSpec
    matched: dict[str, MatchedRow]
    warnings: list[str]

    def feed(self, cells: list[GridCell]) -> bool: ...

    def found(self) -> bool: ...


@dataclass
class MatchedRow:
    row: Row
    cells: list[GridCell]  # value cells, in column order


class LabelledTableMatcher:
    """Tables whose data rows carry labels: active_disclosure and applications."""

    def __init__(self, table: TableSpec):
        self.table = table
        self.group: str | None = None  # current merged group label
        self.matched: dict[str, MatchedRow] = {}
        self.warnings: list[str] = []
        self._groups = {g.id: g for g in table.groups}
        self._unique_keys = self._labels_printed_once()

    def feed(self, cells: list[GridCell]) -> bool:
        """Take the row if it is one of this table's data rows; return whether it was taken."""
        labelled = [i for i, c in enumerate(cells) if has_cjk(c.text)]
        for n, i in enumerate(labelled):
            is_last_label = n == len(labelled) - 1
            node = self._match(cells[i].text, prefer_row=is_last_label)
            if isinstance(node, Group):
                self.group = node.id
            elif isinstance(node, Row):
                self.group = node.parent if node.parent in self._groups else None
                return self._take(node, cells[i + 1 :])
        return False

    def _take(self, row: Row, value_cells: list[GridCell]) -> bool:
        if not value_cells:
            return False
        if row.id in self.matched:
            self.warnings.append(
                f"{self.table.title}：“{row.label}”一行出现了不止一次，采用第一次出现的数据。"
            )
            return True
        wanted = len(self.table.columns_of(row))
        while len(value_cells) > wanted and not value_cells[0].text.strip():
            value_cells = value_cells[1:]  # an empty label column left of the values
        if len(value_cells) > wanted:
            extra = len(value_cells) - wanted
            self.warnings.append(
                f"{self.table.title}：“{row.label}”一行多出 {extra} 个单元格，"
                f"取最右侧 {wanted} 个。"
            )
            value_cells = value_cells[-wanted:]
        self.matched[row.id] = MatchedRow(row, value_cells)
        return True

    def _match(self, text: str, prefer_row: bool) -> Row | Group | None:
        scored = [
            (match_score(text, node.label), isinstance(node, Row) == prefer_row, node)
            for node in self.table.nodes()
            if self._in_context(node)
        ]
        best = max(scored, key=lambda s: (s[0], s[1]), default=None)
        if best is not None and best[0] >= MIN_SCORE:
            return best[2]
        # The group label may be lost (e.g. a merged cell on another page): accept a row whose
        # label is printed nowhere else in the template, but only on an exact match.
        return self._unique_keys.get(label_key(text))

    def _in_context(self, node: Row | Group) -> bool:
        if node.parent is None:
            return True
        group = self.group
        while group is not None:
            if node.parent == group:
                return True
            group = self._groups[group].parent
        return False

    def _labels_printed_once(self) -> dict[str, Row]:
        keys: dict[str, list[Row | Group]] = {}
        for node in self.table.nodes():
            keys.setdefault(label_key(node.label), []).append(node)
        # Short keys (其他, 总计) also head columns, so they never match out of context.
        return {
            k: nodes[0]
            for k, nodes in keys.items()
            if len(nodes) == 1 and isinstance(nodes[0], Row) and len(k) >= 4
        }

    def found(self) -> bool:
        return len(self.matched) * 2 >= len(self.table.rows_of())


class SingleRowMatcher:
    """A table printed as one data row of unlabelled numbers under a header made of its
    top-level row and group labels (四、行政复议/行政诉讼: 15 numbers, 3 header levels)."""

    def __init__(self, table: TableSpec):
        self.table = table
        self.seen_header = False
        self.matched: dict[str, MatchedRow] = {}
        self.warnings: list[str] = []
        self._width = sum(len(table.columns_of(r)) for r in table.rows)
        self._header_keys = {label_key(node.label) for node in table.nodes() if node.parent is None}

    def feed(self, cells: list[GridCell]) -> bool:
        keys = {label_key(c.text) for c in cells}
        if self._header_keys & keys:
            self.seen_header = True
            return True
        if not self.seen_header or self.matched or any(has_cjk(c.text) for c in cells):
            return False
        if len(cells) < self._width or not any(c.text.strip() for c in cells):
            return False
        row_cells = cells[-self._width :]
        for row in self.table.rows:
            n = len(self.table.columns_of(row))
            self.matched[row.id], row_cells = MatchedRow(row, row_cells[:n]), row_cells[n:]
        return True

    def found(self) -> bool:
        return bool(self.matched)


MATCHERS: dict[str, Callable[[TableSpec], Matcher]] = {
    "labelled": LabelledTableMatcher,
    "single_row": SingleRowMatcher,
}


def rebuild(extraction: Extraction, template: Template = DEFAULT) -> CanonicalDocument:
    # A row is taken once: tables with more rows, and so more specific labels, are offered it first.
    specs = sorted(template.tables, key=lambda t: -len(t.rows))
    matchers = [MATCHERS[spec.matcher](spec) for spec in specs]
    for grid in extraction.tables:
        for cells in grid.rows():
            any(m.feed(cells) for m in matchers)
    found = {m.table.id: m for m in matchers if m.found()}
    tables = {
        spec.id: _canonical_table(spec, found[spec.id].matched)
        for spec in template.tables
        if spec.id in found
    }
    warnings = [w for m in matchers for w in m.warnings]
    return CanonicalDocument(template, tables, warnings)


def _canonical_table(spec: TableSpec, matched: dict[str, MatchedRow]) -> Table:
    layout = spec.layout_of(set(matched))
    cells: list[Cell] = []
    for row in spec.rows_of(layout):
        found = matched.get(row.id)
        source = found.cells if found else []
        for i, col in enumerate(spec.columns_of(row)):
            if i < len(source):
                cells.append(_cell(row, col, source[i]))
            else:
                cells.append(
                    Cell(
                        row=row.id,
                        col=col,
                        value=None,
                        text="",
                        confidence=0.0,
                        flags=[Flag.MISSING],
                    )
                )
    return Table(other_layout=layout, cells=cells)


def _cell(row: Row, col: str, grid_cell: GridCell) -> Cell:
    value, flags = values.parse(grid_cell.text, row.kind)
    alternatives = [
        (v, conf)
        for v, conf in (
            (values.parse(text, row.kind)[0], conf) for text, conf in grid_cell.alternatives
        )
        if v is not None and v != value
    ]
    return Cell(
        row=row.id,
        col=col,
        value=value,
        text=grid_cell.text.strip(),
        confidence=grid_cell.confidence,
        page=grid_cell.page,
        bbox=grid_cell.bbox,
        flags=[*grid_cell.flags, *flags],
        alternatives=alternatives,
    )
