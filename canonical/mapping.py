"""Grid rows → canonical tables. One mapping for every input kind.

Rows are matched by their labels, never by position: each grid row is offered, in document
order and across all grids (so tables continued over a page break join up), to one matcher per
table. Merged group labels (（三）不予公开 …) sit only in the first row of their group, so the
applications matcher carries the current group from row to row. Values are the cells right of
the matched label, placed in columns by the header row above them that names the columns (信息内容
| 本年制发件数 | …) where the table has one, otherwise by their order, but only when the row
has exactly the template's number of cells. Header labels or extra cells the template does not
know are `unrecognised`: they make the document needs_review, and are never guessed into an id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from model.grid import Extraction, GridCell
from model.report import Cell, Flag, Table, Value
from model.text import MINUS_SIGNS, is_word
from model.text import compact as to_compact

from . import values
from .document import CanonicalDocument
from .labels import label_key, match_score
from .template import Column, Group, Row, TableSpec, Template, ValueKind
from .templates import DEFAULT

MIN_SCORE = 0.75
# A number whose column is not sure (one of a cell's numbers read apart, a cell under two header
# labels): below the review line.
COLUMN_UNSURE = 0.85
# How far (a share of the values' width) a cell's edge may lie from a column's edge measured in
# an earlier grid: the numbers' columns of table 三 are 1/7 of it.
EDGE_TOLERANCE = 0.02
CLEARLY_BETTER = 0.1  # a row matched out of its group scores this much above any other row
SIGN_NOT_PRINTED = 0.85  # a signed number read by OCR without a sign: below the review line
OPEN_ZERO = 0.85  # a count read "()" taken as 0: below the review line
_SIGN = re.compile(rf"[+{re.escape(MINUS_SIGNS)}]|增|减")


class Matcher(Protocol):
    """Takes the grid rows of one table, offered one by one in document order, with the number
    of the grid they come from."""

    table: TableSpec
    matched: dict[str, MatchedRow]
    warnings: list[str]
    unrecognised: list[str]

    def feed(self, cells: list[GridCell], grid_no: int) -> bool: ...

    def settle(self) -> None: ...  # after the last row

    def found(self) -> bool: ...


@dataclass
class MatchedRow:
    row: Row
    cells: dict[str, GridCell]  # column id -> the value cell placed there


@dataclass
class Header:
    """A row naming the columns of the rows below it: each cell right of 信息内容, and the
    column id its label matches (None: a label the template does not have)."""

    cells: list[tuple[GridCell, str | None]]
    grid_no: int


class LabelledTableMatcher:
    """Tables whose data rows carry labels: active_disclosure and applications."""

    def __init__(self, table: TableSpec):
        self.table = table
        self.group: str | None = None  # current merged group label
        self.matched: dict[str, MatchedRow] = {}
        self.warnings: list[str] = []
        self.unrecognised: list[str] = []
        self.header: Header | None = None
        self._column_at: dict[int, dict[tuple[int, int], str]] = {}  # grid -> (col, span) -> id
        self._waiting: list[tuple[Row, list[GridCell], int]] = []  # see settle()
        # grid -> column -> its edges in the values' width, from a full row drawn on a page
        self._edges: dict[int, dict[str, tuple[float, float]]] = {}
        self._groups = {g.id: g for g in table.groups}
        self._unique_keys = self._labels_printed_once()
        self._header_key = label_key(table.header_key) if table.header_key else None

    def feed(self, cells: list[GridCell], grid_no: int) -> bool:
        """Take the row if it is one of this table's rows; return whether it was taken."""
        # A lone character in a value cell is no label: a seal's, or a digit misread ("1" read
        # 正), which made （六）其他处理 a group waiting for its rows, and the row was lost.
        labelled = [i for i, c in enumerate(cells) if is_word(c.text)]
        if labelled and self._header_key:
            first = labelled[0]
            key = label_key(cells[first].text)
            if self._is_header(cells[first], cells[first + 1 :]):
                self._read_header(cells[first + 1 :], grid_no)
                return True
            rest = key.removeprefix(self._header_key)
            if rest != key and self._column_named(rest):
                # the rule after 信息内容 lost on a scan: one cell holds it and the first column's
                # header (信息内容本年处理决定数量)
                self._read_header([replace(cells[first], text=rest), *cells[first + 1 :]], grid_no)
                return True
        for n, i in enumerate(labelled):
            is_last_label = n == len(labelled) - 1
            node = self._match(cells[i].text, prefer_row=is_last_label)
            if node is None and labelled[n + 1 : n + 2] == [i + 1]:
                split = self._split_label(cells[i], cells[i + 1])
                if split is not None:
                    return self._take_in_group(split, cells[i + 2 :], grid_no)
            if isinstance(node, Group):
                self.group = node.id
            elif isinstance(node, Row):
                return self._take_in_group(node, cells[i + 1 :], grid_no)
        return False

    def _is_header(self, first: GridCell, rest: list[GridCell]) -> bool:
        """Does the row start 信息内容? Also read with a character wrong (信息内客 at 150 dpi)
        before a cell naming a column: the numbers below were put under the header before it
        (2019 table 二's 政府集中采购 under 上一年项目数量 | 本年增/减), and lost."""
        assert self.table.header_key is not None
        if label_key(first.text) == self._header_key:
            return True
        return match_score(first.text, self.table.header_key) >= MIN_SCORE and any(
            self._column_named(cell.text) for cell in rest
        )

    def _take_in_group(self, row: Row, value_cells: list[GridCell], grid_no: int) -> bool:
        """Take the row; the rows after it are read in its group (none for a top-level row)."""
        self.group = row.parent if row.parent in self._groups else None
        return self._take(row, value_cells, grid_no)

    def _split_label(self, first: GridCell, second: GridCell) -> Row | None:
        """The row whose label two neighbouring cells hold together, neither matching alone: a
        scan found a rule in the middle of a label (上年结转 | 政府信息公开申请数量)."""
        if self._match(second.text, prefer_row=True) is not None:
            return None
        joined = self._match(first.text + second.text, prefer_row=True)
        return joined if isinstance(joined, Row) else None

    def _read_header(self, cells: list[GridCell], grid_no: int) -> None:
        named: list[tuple[GridCell, str | None]] = []
        for cell in cells:
            # No column's label is blank: a rule found in a label's cell on a scan splits off a
            # blank beside it, after it (a 200 dpi 本年收费金额 | blank) or before it (信息内容 |
            # blank | 本年处理决定数量), and the number below, spanning both, was placed nowhere.
            if not cell.text.strip() and named and named[-1][1] is not None:
                label, column = named[-1]
                named[-1] = (_spanning(label, cell), column)
                continue
            column = self._column_named(cell.text)
            if (
                column is not None
                and named
                and named[-1][1] is None
                and not named[-1][0].text.strip()
            ):
                cell = _spanning(cell, named.pop()[0])
            if column is None and cell.text.strip():
                self._unrecognised(f"表头“{_one_line(cell.text)}”不是该模板的栏目")
            named.append((cell, column))
        self.header = Header(named, grid_no)

    def _column_named(self, text: str) -> str | None:
        scored = [(match_score(text, c.label), c.id) for c in self.table.columns]
        best = max(scored, default=(0.0, None))
        return best[1] if best[0] >= MIN_SCORE else None

    def _take(self, row: Row, value_cells: list[GridCell], grid_no: int) -> bool:
        filled = [c for c in value_cells if c.text.strip()]
        if not value_cells or (filled and all(is_word(c.text) for c in filled)):
            return False  # a header row: table 四's 总计 is not （七）总计
        if row.id in self.matched:
            self.warnings.append(
                f"{self.table.title}：“{row.label}”一行出现了不止一次，采用第一次出现的数据。"
            )
            return True
        under_header = self._under_header(value_cells, grid_no)
        if under_header is None and self._short_before_full(row, value_cells, grid_no):
            # A full row further down the grid tells where its columns are: placed in settle().
            self._waiting.append((row, value_cells, grid_no))
            self.matched[row.id] = MatchedRow(row, {})
            return True
        self._place(row, value_cells, grid_no, under_header)
        return True

    def settle(self) -> None:
        """Place the short rows that came before their grid's first full row."""
        for row, value_cells, grid_no in self._waiting:
            self._place(row, value_cells, grid_no, None)
        self._waiting = []

    def _short_before_full(self, row: Row, value_cells: list[GridCell], grid_no: int) -> bool:
        return (
            grid_no not in self._column_at
            and _drawn(value_cells)
            and len(value_cells) < len(self.table.columns_of(row))
        )

    def _place(
        self,
        row: Row,
        value_cells: list[GridCell],
        grid_no: int,
        under_header: tuple[list[GridCell], list[str | None]] | None,
    ) -> None:
        wanted = self.table.columns_of(row)
        given = value_cells
        if under_header is not None:
            value_cells, columns = under_header
        else:
            value_cells, columns = self._by_order(row, value_cells, grid_no)
        for cell in given:
            if cell.text.strip() and not any(cell is c for c in value_cells):
                text = _one_line(cell.text)
                self._unrecognised(f"“{row.label}”一行的“{text}”不在该模板的任何栏目下")
        placed = {}
        for cell, column in zip(value_cells, columns):
            if column in wanted:
                placed[column] = cell
            elif cell.text.strip() and column is not None:
                label = self.table.column_label(column)
                self._unrecognised(f"“{row.label}”一行在“{label}”栏有数值，模板中此行没有该栏")
            elif cell.text.strip():
                text = _one_line(cell.text)
                self._unrecognised(f"“{row.label}”一行的“{text}”不在该模板的任何栏目下")
        self.matched[row.id] = MatchedRow(row, placed)

    def _by_order(
        self, row: Row, value_cells: list[GridCell], grid_no: int
    ) -> tuple[list[GridCell], list[str | None]]:
        """No header names the columns: the values are the template's columns in order when
        there are as many as it has. A row with fewer (a rule between two cells lost on a scan
        merges them) takes only the cells standing exactly where a full row of the same grid
        put a column; the others are reported, never shifted into the next column."""
        wanted = self.table.columns_of(row)
        drawn = _drawn(value_cells)
        known = {
            span: column
            for span, column in self._column_at.get(grid_no, {}).items()
            if column in wanted and drawn
        }
        first = min((col for col, _ in known), default=None)
        value_cells = _without_empty_left(value_cells, len(wanted), first)
        if len(value_cells) == len(wanted):
            for cell, column in zip(value_cells, wanted):
                self._column_at.setdefault(grid_no, {})[(cell.col, cell.colspan)] = column
            if drawn:
                self._edges[grid_no] = dict(zip(wanted, _relative_edges(value_cells)))
            return value_cells, list(wanted)
        fewer = len(value_cells) < len(wanted)
        counts = (
            f"只有 {len(value_cells)} 个数值单元格，模板有 {len(wanted)} 个"
            if fewer
            else f"有 {len(value_cells)} 个数值单元格，模板只有 {len(wanted)} 个"
        )
        self._unrecognised(f"“{row.label}”一行{counts}，无法确定各数值属于哪一栏")
        known = self._column_at.get(grid_no, {})  # a text dump's too: where a merged cell is
        if not known and drawn and fewer:
            return self._under_earlier_grid(value_cells, wanted, grid_no)
        if _placed_by_geometry(value_cells, len(wanted)):
            return _under_spans(value_cells, {s: c for s, c in known.items() if c in wanted})
        return [], []

    def _under_earlier_grid(
        self, value_cells: list[GridCell], wanted: tuple[str, ...], grid_no: int
    ) -> tuple[list[GridCell], list[str | None]]:
        """A short row in a grid with no full row (a table's last row carried onto the next page,
        a rule lost in it): its cells stand where the nearest full row of an earlier grid put
        its columns, measured across the values' width; below the review line (another page's
        geometry). Nothing is placed unless each cell lines up with one column or a run of
        them."""
        earlier = [
            g for g, edges in self._edges.items() if g < grid_no and set(wanted) <= set(edges)
        ]
        if not earlier:
            return [], []
        edges = self._edges[max(earlier)]
        placed: list[GridCell] = []
        columns: list[str | None] = []
        for cell, (x0, x1) in zip(value_cells, _relative_edges(value_cells)):
            first = next((c for c in wanted if abs(edges[c][0] - x0) <= EDGE_TOLERANCE), None)
            last = next((c for c in wanted if abs(edges[c][1] - x1) <= EDGE_TOLERANCE), None)
            if first is None or last is None:
                return [], []  # the two rows' geometry disagrees
            if first == last:
                placed.append(replace(cell, confidence=min(cell.confidence, COLUMN_UNSURE)))
                columns.append(first)
        return placed, columns

    def _under_header(
        self, value_cells: list[GridCell], grid_no: int
    ) -> tuple[list[GridCell], list[str | None]] | None:
        """The value cells and the column each stands under; None when no header names them."""
        if self.header is None:
            return None
        named = self.header.cells
        same_grid = self.header.grid_no == grid_no  # grid columns compare only within a grid
        drawn = same_grid and _drawn(value_cells)
        first = min((h.col for h, _ in named), default=None) if drawn else None
        value_cells = _without_empty_left(value_cells, len(named), first)
        if len(value_cells) == len(named):
            return value_cells, [column for _, column in named]
        if not same_grid:
            return None
        return _under_spans(value_cells, {(h.col, h.colspan): column for h, column in named})

    def _unrecognised(self, what: str) -> None:
        message = f"{self.table.title}：{what}。"
        if message not in self.unrecognised:
            self.unrecognised.append(message)

    def _match(self, text: str, prefer_row: bool) -> Row | Group | None:
        scored = [
            (match_score(text, node.label), isinstance(node, Row) == prefer_row, node)
            for node in self.table.nodes()
            if self._in_context(node)
        ]
        best = max(scored, key=lambda s: (s[0], s[1]), default=None)
        if best is not None and best[0] >= MIN_SCORE:
            # as near to another label as to this one (a character misread either way): neither
            tied = {label_key(s[2].label) for s in scored if s[0] == best[0]}
            return best[2] if len(tied) == 1 else None
        # The group label may be lost (a merged cell on another page, or misread on a scan):
        # accept a row whose label is printed nowhere else in the template, when it matches
        # that one row clearly better than any other.
        once = sorted(
            ((match_score(text, row.label), row) for row in self._unique_keys.values()),
            key=lambda s: -s[0],
        )
        clear = len(once) < 2 or once[1][0] < once[0][0] - CLEARLY_BETTER
        if once and once[0][0] >= MIN_SCORE and clear:
            return once[0][1]
        return None

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
        self.unrecognised: list[str] = []
        self._width = sum(len(table.columns_of(r)) for r in table.rows)
        # Any of its row and group labels: on a faint scan the top level may be merged into one
        # cell (行政复议政诉讼) while the level below (未经复议直接起诉) still reads.
        self._header_keys = {label_key(node.label) for node in table.nodes()}
        self._header: tuple[int, dict[int, GridCell]] = (-1, {})  # grid, its lowest label by column

    def feed(self, cells: list[GridCell], grid_no: int) -> bool:
        keys = {label_key(c.text) for c in cells}
        if self._header_keys & keys:
            self.seen_header = True
            self._under_header(cells, grid_no)
            return True
        if not self.seen_header or self.matched:
            return False
        if not _mostly_numbers(cells):
            self._under_header(cells, grid_no)  # 结果维持 … 总计: one label over each number
            return False
        if len(cells) < self._width:
            cells = _numbers_apart(cells)
        while len(cells) > self._width and not cells[0].text.strip():
            cells = cells[1:]  # an empty column left of the numbers
        leaves = self._leaves(grid_no)
        placed: list[GridCell | None] = list(cells)
        if len(cells) != self._width and leaves:
            placed = _under_leaves(cells, leaves) or placed
        if len(placed) < self._width or not any(c and c.text.strip() for c in placed):
            return False
        if len(placed) > self._width:
            self.unrecognised.append(
                f"{self.table.title}：数据行有 {len(placed)} 个单元格，模板只有 {self._width} 个，"
                "无法确定各数值属于哪一栏。"
            )
            placed = []
        for row in self.table.rows:
            columns = self.table.columns_of(row)
            found = {col: cell for col, cell in zip(columns, placed) if cell is not None}
            self.matched[row.id] = MatchedRow(row, found)
            placed = placed[len(columns) :]
        return True

    def settle(self) -> None:
        pass

    def found(self) -> bool:
        return bool(self.matched)

    def _under_header(self, cells: list[GridCell], grid_no: int) -> None:
        """Note the header's lowest label over each grid column (its leaves): a label spanning
        two header rows (结果维持 of 行政复议) is the lowest of its columns."""
        if self._header[0] != grid_no:
            self._header = (grid_no, {})
        for cell in cells:
            for col in range(cell.col, cell.col + cell.colspan):
                self._header[1][col] = cell

    def _leaves(self, grid_no: int) -> list[GridCell] | None:
        """The header's leaves, left to right, when this grid's header has one over each number."""
        if self._header[0] != grid_no:
            return None
        leaves = list({(c.row, c.col): c for _, c in sorted(self._header[1].items())}.values())
        return leaves if len(leaves) == self._width else None


def _without_empty_left(cells: list[GridCell], wanted: int, first: int | None) -> list[GridCell]:
    """The row without the blank cells leading it while it has more than `wanted`: an empty
    label column left of the values. Where the grid column of the first value is known
    (`first`), only cells left of it: a blank cell among the values is a value's, and
    dropping it shifted every number after it one column on."""
    while (
        len(cells) > wanted
        and not cells[0].text.strip()
        and (first is None or cells[0].col < first)
    ):
        cells = cells[1:]
    return cells


def _spanning(label: GridCell, blank: GridCell) -> GridCell:
    """The label's cell widened over the blank one beside it."""
    col = min(label.col, blank.col)
    end = max(label.col + label.colspan, blank.col + blank.colspan)
    return replace(label, col=col, colspan=end - col)


def _under_spans(
    cells: list[GridCell], spans: Mapping[tuple[int, int], str | None]
) -> tuple[list[GridCell], list[str | None]]:
    """The cells standing under each column's grid span (col, colspan), and its column: the one
    filled cell within the span, or a blank one. A row split by a seal's arc has two cells
    under one column, one of them blank. None is placed where two filled cells stand under one
    column, or one cell spans two columns (a lost rule): which column is its is unknown."""
    placed, columns = [], []
    for (col, span), column in sorted(spans.items()):
        inside = [c for c in cells if col <= c.col and c.col + c.colspan <= col + span]
        filled = [c for c in inside if c.text.strip()]
        if inside and len(filled) <= 1:
            placed.append(filled[0] if filled else inside[0])
            columns.append(column)
    return placed, columns


def _numbers_apart(cells: list[GridCell]) -> list[GridCell]:
    """The row with a cell read as numbers standing apart ("7 0": a faint column rule lost in
    every row) taken as one cell per number, in reading order, each below the review line."""
    out = []
    for cell in cells:
        numbers = cell.text.split()
        if len(numbers) > 1 and all(values.parse(n, "count").value is not None for n in numbers):
            out += [
                replace(cell, text=n, confidence=min(cell.confidence, COLUMN_UNSURE))
                for n in numbers
            ]
        else:
            out.append(cell)
    return out


def _under_leaves(cells: list[GridCell], leaves: list[GridCell]) -> list[GridCell | None] | None:
    """A data row with more or fewer cells than its header has leaves (a seal's arc taken for a
    rule; a faint rule lost): each leaf's cell is the one filled cell under it, or a blank one.
    A cell under two leaves (its rule lost) is each one's, below the review line. One leaf with
    no cell under it (None) is missing: the rule under it was lost, and its number joined to it
    (a fax's 总计 read "总\n计\n5"). None when a leaf has two filled cells under it, or two
    leaves none: which one is its number is unknown."""
    out: list[GridCell | None] = []
    for leaf in leaves:
        under = [c for c in cells if _overlap(c, leaf)]
        filled = [c for c in under if c.text.strip()]
        if len(filled) > 1 or (not under and None in out):
            return None
        if not under:
            out.append(None)
            continue
        cell = filled[0] if filled else under[0]
        if sum(_overlap(cell, other) for other in leaves) > 1:
            cell = replace(cell, confidence=min(cell.confidence, COLUMN_UNSURE))
        out.append(cell)
    return out


def _relative_edges(cells: list[GridCell]) -> list[tuple[float, float]]:
    """Each drawn cell's left and right edge as a share of the width the cells span."""
    boxes = [c.bbox for c in cells if c.bbox is not None]
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    width = (right - left) or 1.0
    return [((b[0] - left) / width, (b[2] - left) / width) for b in boxes]


def _overlap(a: GridCell, b: GridCell) -> bool:
    """Do the two cells share a grid column?"""
    return a.col < b.col + b.colspan and b.col < a.col + a.colspan


def _placed_by_geometry(cells: list[GridCell], wanted: int) -> bool:
    """Does the grid say where each cell of a short row stands? It does for cells drawn on a
    page (a scan or PDF: their grid columns are measured), and where a merged cell accounts for
    the missing one; a text dump's row that simply has fewer cells says nothing of which one
    is missing."""
    return _drawn(cells) or sum(c.colspan for c in cells) == wanted


def _labelled_numbers(cells: list[GridCell]) -> bool:
    """A row of a label and numbers (a data row's shape)?"""
    return any(is_word(c.text) for c in cells) and any(
        values.parse(c.text, "signed").value is not None
        or values.parse(c.text, "decimal").value is not None
        for c in cells
    )


def _drawn(cells: list[GridCell]) -> bool:
    """Are the cells drawn on a page (a scan, a PDF), their grid columns measured?"""
    return all(c.bbox is not None for c in cells)


def _mostly_numbers(cells: list[GridCell]) -> bool:
    """A data row, not a header row: at least half its filled cells are numbers. On a scan a
    digit may be misread as a character (5 as 国, 1 as m); that cell is not a number, the row
    still is data, even when it holds only one other number (a row of blanks and a 1), or none
    but no word either (a row of blanks and two 1s read I: a header's labels are words)."""
    filled = [c for c in cells if c.text.strip()]
    numbers = sum(values.parse(c.text, "count").value is not None for c in filled)
    if not numbers:
        return bool(filled) and not any(is_word(c.text) for c in filled)
    return numbers >= len(filled) / 2


MATCHERS: dict[str, Callable[[TableSpec], Matcher]] = {
    "labelled": LabelledTableMatcher,
    "single_row": SingleRowMatcher,
}


def rebuild(extraction: Extraction, template: Template = DEFAULT) -> CanonicalDocument:
    # A row is taken once: tables with more rows, and so more specific labels, are offered it first.
    specs = sorted(template.tables, key=lambda t: -len(t.rows))
    matchers = [MATCHERS[spec.matcher](spec) for spec in specs]
    takers: dict[int, list[Matcher]] = {}  # grid -> the matchers that took its rows
    left: list[tuple[int, list[GridCell]]] = []  # rows of a label and numbers none took
    for grid_no, grid in enumerate(extraction.tables):
        for cells in grid.rows():
            taker = next((m for m in matchers if m.feed(cells, grid_no)), None)
            if taker is not None:
                takers.setdefault(grid_no, []).append(taker)
            elif _labelled_numbers(cells):
                left.append((grid_no, cells))
    for m in matchers:
        m.settle()
    found = {m.table.id: m for m in matchers if m.found()}
    for grid_no, cells in left:  # in a table found: a row the template does not have, or misread
        table = next((m for m in takers.get(grid_no, []) if m.table.id in found), None)
        if table is not None:
            label = _one_line(" ".join(c.text for c in cells if is_word(c.text)))
            message = f"{table.table.title}：“{label}”一行对不上模板的任何一行，其数值没有采用。"
            if message not in table.unrecognised:
                table.unrecognised.append(message)
    tables = {
        spec.id: _canonical_table(spec, found[spec.id].matched, set(extraction.scanned_pages))
        for spec in template.tables
        if spec.id in found
    }
    warnings = [w for m in matchers for w in m.warnings]
    unrecognised = [u for m in matchers if m.table.id in found for u in m.unrecognised]
    for spec in (s for s in template.tables if s.id in found):
        laid_out = {r.id for r in spec.rows_of(tables[spec.id].other_layout)}
        unrecognised += [
            _laid_out_otherwise(spec, row_id)
            for row_id in found[spec.id].matched
            if row_id not in laid_out
        ]
    return CanonicalDocument(template, tables, warnings, unrecognised)


def _laid_out_otherwise(spec: TableSpec, row_id: str) -> str:
    """A row found of the table's other layout (（六）其他处理 as one row beside its three rows,
    say, where a lost rule left the group's label a row of its own): not guessed into one."""
    return (
        f"{spec.title}：“{spec.label_path(row_id)}”一行与本表其他行的排法不一致，其数值没有采用。"
    )


def _canonical_table(
    spec: TableSpec, matched: dict[str, MatchedRow], scanned_pages: set[int]
) -> Table:
    layout = spec.layout_of(set(matched))
    cells: list[Cell] = []
    for row in spec.rows_of(layout):
        found = matched.get(row.id)
        placed = found.cells if found else {}
        for col in spec.columns_of(row):
            if col in placed:
                grid_cell = placed[col]
                cells.append(
                    _cell(row, spec.column(col), grid_cell, grid_cell.page in scanned_pages)
                )
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


def _second_value(text: str, kind: ValueKind) -> Value:
    """The value of a second reading; of a count's, its digits with look-alike letters read as
    digits too (values.reading_numbers): a blurred "1" read as nothing, and again (enlarged,
    binarised) as ".1." between two specks. Only a candidate: the identities decide."""
    value = values.parse(text, kind).value
    if value is None and kind == "count" and len(numbers := values.reading_numbers(text)) == 1:
        return numbers[0]
    return value


def _cell(row: Row, column: Column, grid_cell: GridCell, scanned: bool) -> Cell:
    parsed = values.parse(grid_cell.text, column.kind)
    alternatives = [
        (v, conf)
        for v, conf in (
            (_second_value(text, column.kind), conf) for text, conf in grid_cell.alternatives
        )
        if v is not None and v != parsed.value
    ]
    confidence, flags = grid_cell.confidence, [*grid_cell.flags, *parsed.flags]
    if column.kind == "count" and scanned and values.is_open_zero(grid_cell.text):
        # A fax's "0" that lost its thin top and bottom (read "()", sure of it, and often again
        # after thickening): a 0, unsure until a sum of sure cells pins it (corrections.confirm).
        # As no number, a sum could not tell it from a blank, and a column of them stayed unsure.
        parsed = values.Parsed(0)
        confidence = min(confidence, OPEN_ZERO)
        flags = list(grid_cell.flags)
    unit = parsed.unit or (column.unit if parsed.value is not None else None)
    if column.kind == "signed" and scanned and parsed.value:
        if Flag.UNREAD_SIGN in flags:  # a dash the recogniser did not read: the negative
            parsed.value = -abs(int(parsed.value))
        elif not _SIGN.match(to_compact(grid_cell.text)):
            # The recogniser drops a short minus ("-3" read "3" at 0.998), and our own look for
            # it misses some at 150 dpi: on a scan, only a printed sign (or 0) is sure.
            confidence = min(confidence, SIGN_NOT_PRINTED)
            flags.append(Flag.UNREAD_SIGN)
    return Cell(
        row=row.id,
        col=column.id,
        value=parsed.value,
        unit=unit,
        text=grid_cell.text.strip(),
        confidence=confidence,
        page=grid_cell.page,
        bbox=grid_cell.bbox,
        flags=flags,
        alternatives=alternatives,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())
