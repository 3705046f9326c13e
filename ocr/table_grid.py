"""Ruled tables on a page image → cell rectangles with row and column spans.

Ruling lines are found by morphological opening with long thin kernels. A table is a connected
group of lines; its grid lines are the positions where rules run. Between two neighbouring
elementary cells, a missing rule means they belong to one merged cell, so merged cells (and
their spans) come from a union of elementary cells.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

from .preprocess import ink, rotate
from .seal import Ring, seal_discs, seal_rings, seal_rings_drawn, without_seal_marks

MIN_TABLE_WIDTH = 0.25  # of the page width
QUICK_LOOK = 1000  # pixels: the long side of the copy may_hold_tables looks at
# Pixels of that copy: paper this far above and below a rule's ink (a rule there is 1-4 px
# thick; at 2, a 200 dpi scan's rules, thickened by the copy, were not all thin), and gaps
# closed along a rule: on the tables of two draws (seeds 20 and 23) the widest left was 4, and
# 9 on a fax, whose dashes leave gaps up to 16 px at 200 dpi (QUICK_DASH_GAP, on bilevel pages).
QUICK_THIN = 3
QUICK_GAP = 8
QUICK_DASH_GAP = 16
BORDER_INK = 0.25  # share of a cell edge that must be ruled for a border to exist
FAINT_BORDER = 0.1  # ... or this, where the rule runs on in the next row (see _cells)
DOUBLED_RULE = 12  # pixels (at 300 dpi): two rules closer than this are one, printed twice
GAP_H = 25  # page width / this: longest gap bridged in a row rule
GAP_V = 120  # page height / this: in a column rule (under a row's height)
TEXT_APART = 0.12  # of a one-line row's height: paper either side of a lost column rule
GLYPH = 0.25  # of a one-line row's height: the least extent of a glyph's ink
# Of a one-line row's height: two column rules closer are one border printed twice, up to
# twice DOUBLED_RULE (a table whose row rules are lost has rows many lines high). No column is
# as narrow (the narrowest, table 三's group labels, is 1.5 of it); a fax's left border doubled
# 16 px apart at 200 dpi (0.3) made a column that joined a label to the rows below.
DOUBLED_COLUMN = 0.5
TEXT_GAP = 0.6  # of a one-line row's height: paper from text to text across a lost column rule
THIN = 3  # pixels: paper this far either side of a thin rule's dash
DASHED_RULE = 8  # page width / this: the least length of a row rule found from dashes
# A light column rule broken into dots (a fax's; faint toner's, as dashes): gaps up to this
# (pixels) closed, dots a pixel out of line joined.
DOTTED_GAP = 17
DOTTED_COLUMN = 30  # page height / this: the least length of a column rule found from dots
# ... or this, shorter than a one-line row (65 px at 200 dpi), where it is as tall as the column
# rules beside it (see _as_tall_as_neighbours)
SHORT_DOTTED_COLUMN = 50
CROSSINGS = 80  # page height / this: strokes crossing a rule of dots closer are a glyph's
DASH_GAP = 5  # pixels: a dashed rule's gaps closed before rules are looked for
# The same along a thin row rule, whose two pixel rows a fax breaks in turn: runs of 20 px at
# most, with gaps of up to 16 (a table 二 row rule, lost, joined two rows).
ROW_DASH_GAP = 9
# A fax's light rule broken into dots further apart than a dash's gaps: pieces of ink FLAT
# pixels across at most, with gaps up to DOTS_GAP, inking DOTS_INK of the rule's length (one
# of table 四's: 43%, gaps up to 33).
FLAT = 7
DOTS_GAP = 35
DOTS_INK = 0.3
BESIDE = 14  # pixels: paper this far either side of a column rule of dots ...
CLEAR = 0.8  # ... along this share of its inked rows (a 0's left stroke, a glyph's: a quarter)
RULE_WIDTH = 5  # pixels either side of a rule's centre: a 1 pt rule at 300 dpi, blurred
REMNANTS = 0.1  # share of a row rule's length still inked where the rule is lost
TRACED = 0.4  # share of a lost rule's length where its dashes show between clear paper
# Paper between a frame drawn round a table (a page border, a photo's page edge) and the table,
# at least (of the page width): farther than the gaps of a faint table's broken rules (a
# one-row piece of a 200 dpi scan's table 二 stood 10-20 pixels off the rest).
FRAME_APART = 0.05
# Share of a gap in a rule lying under a seal, and inked along its line: the rule printed under
# the seal (its ink makes the rule's dots a line; a merged cell's missing rule is inked along
# half of it at most, by the seal's text).
UNDER_SEAL = 0.8
MIN_ROW = 30  # pixels (at 300 dpi, a 7 pt row): column rules running on this far hold a row


@dataclass
class CellBox:
    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels, rules included


def may_hold_tables(gray: np.ndarray, angle: float, dashed: bool = False) -> bool:
    """Could the page, deskewed by `angle` degrees, hold a table? Not if no rule runs along its
    rows or its columns as far as MIN_TABLE_WIDTH (less a fifth): a page of text is told so in
    a tenth of find_tables' time. It is looked at on a copy QUICK_LOOK pixels long, each pixel
    the darkest of those it stands for (a faint hairline stays as dark as it is); a rule there
    is thin ink (paper QUICK_THIN pixels either side), its gaps up to QUICK_GAP closed
    (QUICK_DASH_GAP on a fax's page, `dashed`). Text, thick ink, does not join into a rule,
    however bold the copy makes it."""
    k = max(1, round(max(gray.shape) / QUICK_LOOK))
    small = np.ascontiguousarray(cv2.erode(gray, np.ones((k, k), np.uint8))[::k, ::k])
    binary = ink(rotate(small, angle, cv2.INTER_NEAREST)) > 0
    least = int(0.8 * MIN_TABLE_WIDTH * min(binary.shape))
    gap = QUICK_DASH_GAP if dashed else QUICK_GAP
    for image in (binary, np.ascontiguousarray(binary.T)):
        # A rule on the copy lies on one row or the next, turn and turn about (a one-row table's
        # rules ran 100 px on each, 160 asked): a row stands for itself and the next. Not on a
        # fax, whose specks, their gaps closed wider, joined into a rule so.
        thin, below = image.copy(), QUICK_THIN
        if not dashed:
            thin[:-1] |= image[1:]
            below += 1  # paper below the second row
        thin[QUICK_THIN:] &= ~image[:-QUICK_THIN]
        thin[:-below] &= ~image[below:]
        closed = cv2.morphologyEx(thin.view(np.uint8), cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
        if _longest_row_run(closed) >= least:
            return True
    return False


def _longest_row_run(image: np.ndarray) -> int:
    """The longest run of nonzero pixels along any row of `image`."""
    edges = np.diff(np.pad(image > 0, ((0, 0), (1, 1))).view(np.int8), axis=1)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return int((ends - starts).max(initial=0))


def long_runs(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ink running along rows, and along columns, further than a character: where rules
    may be (the seals' search takes them out too)."""
    return _row_runs(binary), _column_runs(binary)


def _row_runs(image: np.ndarray) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(25, image.shape[1] // 40), 1))
    return cv2.morphologyEx(image, cv2.MORPH_OPEN, kernel)


def _column_runs(image: np.ndarray) -> np.ndarray:
    # Longer than a character (CJK strokes are vertical too), shorter than a one-line row.
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, image.shape[0] // 50)))
    return cv2.morphologyEx(image, cv2.MORPH_OPEN, kernel)


def line_masks(
    binary: np.ndarray,
    dashed: bool = False,
    seals: np.ndarray | None = None,
    runs: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The page's row rules and column rules; `runs`: its long_runs, when already found."""
    h, w = binary.shape
    row_runs, column_runs = runs or long_runs(binary)
    along_columns = binary
    # A fax, or faint toner, breaks a thin row rule into dashes. Along rows a line of
    # characters would join into a rule: only thin ink (a rule's, not a glyph's) is joined.
    dashed_rows = _dashed_row_rule(binary, ROW_DASH_GAP, w // DASHED_RULE)
    if dashed:
        flat, narrow = _small_pieces(binary)
        dashed_rows |= _dots_in_line(flat, w // DASHED_RULE)
        # A fax breaks a thin column rule into dashes: gaps of a few pixels are closed along it
        # first. Not on a seal (`seals`), whose star's and text's strokes would join; not on
        # gray pages, where a seal not found joined into a column rule that is not there.
        along_columns = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, np.ones((DASH_GAP, 1), np.uint8))
        if seals is not None:
            along_columns[seals > 0] = binary[seals > 0]
            dashed_rows[seals > 0] = 0
    horizontal = dashed_rows | row_runs
    vertical = _column_runs(along_columns) if dashed else column_runs
    # A light column rule (a fax's, faint toner's) falls apart into dots further apart than a
    # dash's gaps: found from thin ink alone, away from the rules found, which would run on
    # through the strokes of a label beside their end.
    near_rules = cv2.dilate(vertical, np.ones((2 * DOTTED_GAP + 1, 7), np.uint8))
    dots = cv2.morphologyEx(
        _thin(cv2.subtract(binary, near_rules), along_rows=False),
        cv2.MORPH_CLOSE,
        np.ones((DOTTED_GAP, 3), np.uint8),
    )
    dotted, short_dotted = (
        cv2.morphologyEx(dots, cv2.MORPH_OPEN, np.ones((h // share, 1), np.uint8))
        for share in (DOTTED_COLUMN, SHORT_DOTTED_COLUMN)
    )
    if dashed:
        # Further apart, from narrow pieces of ink alone, with paper beside them.
        away = np.ascontiguousarray(cv2.subtract(narrow, near_rules).T)
        dotted |= _clear_beside(_dots_in_line(away, h // DOTTED_COLUMN).T, binary)
    if seals is not None:
        dotted[seals > 0] = short_dotted[seals > 0] = 0
    # On a crisp gray page the strokes of a label wrapped over three lines, one under the
    # other, passed for dots (a web page's table image: a column too many, a row lost). There
    # a rule of dots is kept only from row rule to row rule.
    ruled = dotted if dashed else _between_row_rules(dotted, horizontal)
    kept = _not_crossed_by_strokes(ruled, binary, horizontal)
    # The others may stand as tall as their neighbours: a one-row continuation has no top rule.
    vertical |= kept | _as_tall_as_neighbours(
        cv2.subtract(short_dotted, ruled), vertical, horizontal
    )
    # Bridge the gaps faint toner leaves in a rule: only between two stretches of rule (text
    # was opened away), and shorter than a row is tall, so a merged cell's missing rule stays
    # missing.
    horizontal = _row_by_row(
        horizontal,
        lambda rows: cv2.morphologyEx(rows, cv2.MORPH_CLOSE, np.ones((1, w // GAP_H), np.uint8)),
    )
    vertical = cv2.morphologyEx(
        vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, h // GAP_V))
    )
    # Bridge the small gaps noise and JPEG leave in thin rules.
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    return horizontal, vertical


def _between_row_rules(dotted: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The stretches of `dotted` (column rules found from dots) whose both ends come within
    DOTTED_GAP of a row rule (`rows`) beside them: a faint rule's dots run from rule to rule;
    a label's strokes stop short of them (56 px above, in the case that asked for this)."""

    def from_rule_to_rule(x0: int, x1: int, y0: int, y1: int) -> bool:
        ruled = rows[:, max(0, x0 - 3) : x1 + 3].any(axis=1)
        return bool(
            ruled[max(0, y0 - DOTTED_GAP) : y0 + 1].any() and ruled[y1 - 1 : y1 + DOTTED_GAP].any()
        )

    return _stretches_where(dotted, from_rule_to_rule)


def _not_crossed_by_strokes(
    dotted: np.ndarray, binary: np.ndarray, horizontal: np.ndarray
) -> np.ndarray:
    """The stretches of `dotted` (column rules found from dots) that no two strokes cross
    closer together than a character is tall (CROSSINGS, of the page's height): a glyph's
    upright stroke, crossed by its own strokes (申, 中). Two labels alike one above the other
    put their 申 in line, and across the gap a fax left in the row rule between them the two
    strokes passed for a rule of dots (a column too many, splitting both labels). A rule is
    crossed only by row rules (`horizontal`), a row apart."""
    span = binary.shape[0] // CROSSINGS

    def uncrossed(x0: int, x1: int, y0: int, y1: int) -> bool:
        left = binary[y0:y1, max(0, x0 - THIN) : x0].all(axis=1)
        right = binary[y0:y1, x1 : x1 + THIN].all(axis=1)
        ruled = horizontal[y0:y1, max(0, x0 - THIN) : x1 + THIN].any(axis=1)
        crossings = [start for start, _ in runs(left & right & ~ruled)]
        return not any(b - a < span for a, b in itertools.pairwise(crossings))

    return _stretches_where(dotted, uncrossed)


def _as_tall_as_neighbours(
    dotted: np.ndarray, vertical: np.ndarray, horizontal: np.ndarray
) -> np.ndarray:
    """The stretches of `dotted` (short column rules found from dots) as tall as the nearest
    column rules of `vertical` left and right of them, with no row rule of `horizontal` between
    those two on the way: the two run no further than DOTTED_GAP past the stretch's ends, one
    of them begins as near its top and one ends as near its bottom (faint toner gaps the
    others). A rule of dots down a one-row table, the continuation of table 四 on the next page
    (its top rule left out by the page break), runs as far as its neighbours; a label's strokes
    (商业 over 企业) do not, nor do two labels' strokes one above the other (容 over 采, across
    the rule between their rows). Dots running on through a gap in the bottom rule, into the
    text below, end at that rule."""
    h = vertical.shape[0]
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, np.ones((h // GAP_V, 1), np.uint8))

    def as_tall(x0: int, x1: int, y0: int, y1: int) -> bool:
        row = vertical[(y0 + y1) // 2]
        left, right = np.flatnonzero(row[:x0]), x1 + np.flatnonzero(row[x1:])
        if not (left.size and right.size):
            return False
        between = slice(left[-1], right[0])
        crossed = y0 + np.flatnonzero(horizontal[y0:y1, between].any(axis=1))
        top, bottom = crossed[crossed < y0 + DOTTED_GAP], crossed[crossed >= y1 - DOTTED_GAP]
        y0, y1 = int(top.max(initial=y0)), int(bottom.min(initial=y1))
        spans = [_run_through(vertical[:, x], (y0 + y1) // 2) for x in (left[-1], right[0])]
        if horizontal[y0 + DOTTED_GAP : y1 - DOTTED_GAP, between].any() or not all(spans):
            return False
        starts, ends = np.array(spans).T
        return bool(
            starts.min() >= y0 - DOTTED_GAP
            and ends.max() <= y1 + DOTTED_GAP
            and (abs(starts - y0) <= DOTTED_GAP).any()
            and (abs(ends - y1) <= DOTTED_GAP).any()
        )

    return _stretches_where(dotted, as_tall)


def _stretches_where(dotted: np.ndarray, keep) -> np.ndarray:
    """`dotted` where `keep(x0, x1, y0, y1)` holds for its stretch: a run of rows of a run of
    adjacent inked columns."""
    kept = np.zeros_like(dotted)
    for x0, x1 in runs(dotted.any(axis=0)):
        for y0, y1 in runs(dotted[:, x0:x1].any(axis=1)):
            if keep(x0, x1, y0, y1):
                kept[y0:y1, x0:x1] = dotted[y0:y1, x0:x1]
    return kept


def _run_through(column: np.ndarray, y: int) -> tuple[int, int] | None:
    """(start, end) of the run of ink of `column` through row `y`, if any."""
    return next(((start, end) for start, end in runs(column > 0) if start <= y < end), None)


def runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in a 1-d array, end exclusive."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _dashed_row_rule(binary: np.ndarray, gap: int, length: int) -> np.ndarray:
    """A row rule broken into dashes: ink with paper THIN and 2 THIN pixels above and below (a
    rule's dash; a glyph's strokes cross each other), its gaps up to `gap` closed, where it runs
    on as far as `length` (several characters)."""
    # a run closed from gaps under `gap` holds a pixel in each stretch of `gap`
    return _joined_along_rows(_thin(binary, along_rows=True), gap, length, length // gap)


def _joined_along_rows(ink: np.ndarray, gap: int, length: int, least_ink: int) -> np.ndarray:
    """The runs of `ink` along its rows, gaps up to `gap` closed, as long as `length` at least;
    only rows holding `least_ink` pixels are looked at (see _row_by_row)."""

    def closed_then_opened(rows: np.ndarray) -> np.ndarray:
        closed = cv2.morphologyEx(rows, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
        return cv2.morphologyEx(closed, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))

    return _row_by_row(ink, closed_then_opened, least_ink)


def _small_pieces(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pieces of ink no taller than FLAT, and those no wider: the dots a fax breaks a light
    row or column rule into. A glyph's strokes hang together, and its flat strokes in a line of
    text, read as dashes, passed for a rule."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    flat, narrow = 1, 2  # bits of each piece's code
    code = np.where(stats[:, cv2.CC_STAT_HEIGHT] <= FLAT, flat, 0).astype(np.uint8)
    code |= np.where(stats[:, cv2.CC_STAT_WIDTH] <= FLAT, narrow, 0).astype(np.uint8)
    code[0] = 0  # the paper
    pieces = code[labels]

    def having(bit: int) -> np.ndarray:
        return cv2.compare(cv2.bitwise_and(pieces, bit), 0, cv2.CMP_GT)

    return having(flat), having(narrow)


def _dots_in_line(dots: np.ndarray, length: int) -> np.ndarray:
    """A rule of `dots` (pass the transpose for a column rule): dots on one row with gaps up to
    DOTS_GAP, over `length` at least, inking DOTS_INK of it (a pixel out of line counted)."""
    # a rule's dots ink DOTS_INK of its length over three rows, a third of that on one at least
    found = _joined_along_rows(dots, DOTS_GAP, length, round(DOTS_INK * length / 3))
    inked = cv2.dilate(dots, np.ones((3, 1), np.uint8)) > 0
    for y in np.flatnonzero(found.any(axis=1)):
        for start, end in runs(found[y] > 0):
            found[y, start:end] = 0
            # Its ends are dots close together: a speck a gap past a fax's top rule ran the rule
            # on past the table's side, and a side border was put back there.
            xs = start + np.flatnonzero(inked[y, start:end])
            gaps = np.diff(xs)
            close = np.flatnonzero(gaps <= DOTS_GAP // 2)
            if not close.size:
                continue
            start, end = xs[close[0]], xs[close[-1] + 1] + 1
            if end - start >= length and inked[y, start:end].mean() >= DOTS_INK:
                found[y, start:end] = 255
    return found


def _clear_beside(dotted: np.ndarray, binary: np.ndarray) -> np.ndarray:
    """The stretches of `dotted` (column rules found from dots) with paper from THIN + 1 to
    BESIDE pixels either side along CLEAR of their inked rows: a rule between cells. A column of
    0s, one under the other, lines up its left strokes as a fax's dotted rule does, with each
    0's right stroke beside them; so do a label's upright strokes, with the rest of the glyph."""

    def clear(x0: int, x1: int, y0: int, y1: int) -> bool:
        inked = binary[y0:y1, x0:x1].any(axis=1)
        left = binary[y0:y1, max(0, x0 - BESIDE) : max(0, x0 - THIN)].any(axis=1)
        right = binary[y0:y1, x1 + THIN : x1 + BESIDE].any(axis=1)
        return bool(inked.any() and (~left & ~right)[inked].mean() >= CLEAR)

    return _stretches_where(dotted, clear)


def _thin(binary: np.ndarray, along_rows: bool) -> np.ndarray:
    """Ink with paper THIN and 2 THIN pixels either side, across the rows (`along_rows`) or
    across the columns: a rule's dash."""
    beside = np.zeros((4 * THIN + 1, 1) if along_rows else (1, 4 * THIN + 1), np.uint8)
    beside.flat[[0, THIN, 3 * THIN, 4 * THIN]] = 1  # THIN and 2 THIN either side
    return cv2.bitwise_and(binary, cv2.bitwise_not(cv2.dilate(binary, beside)))


def _row_by_row(image: np.ndarray, operation, least_ink: int = 1) -> np.ndarray:
    """`operation` (morphology with kernels one row tall) done on the rows of `image` holding
    `least_ink` pixels at least, the others left blank: the same result, when the rest cannot
    hold what it looks for, in a fraction of the time (a page's rules are a tenth of its rows)."""
    rows = np.flatnonzero(np.count_nonzero(image, axis=1) >= max(1, least_ink))
    out = np.zeros_like(image)
    if rows.size:
        out[rows] = operation(image[rows])
    return out


@dataclass
class RuledPage:
    tables: list[list[CellBox]]  # top to bottom, each a list of cells
    rules: np.ndarray  # 255 where a table's rules run (dilated), else 0
    seals: list[Ring]  # round seals stamped on the page


def find_tables(binary: np.ndarray, dashed: bool = False) -> RuledPage:
    """`dashed`: the page is black and white only (a fax), its thin column rules broken into
    dashes a few pixels apart."""
    runs = long_runs(binary)
    rings = seal_rings(binary, runs[0] | runs[1])
    seals = seal_discs(binary.shape, rings) if rings and dashed else None
    horizontal, vertical = line_masks(binary, dashed, seals, runs)
    horizontal, vertical = (
        without_seal_marks(horizontal, rings),
        without_seal_marks(vertical, rings),
    )
    if seals is not None:
        horizontal = _bridged_under_seals(horizontal, binary, seals)
        vertical = _bridged_under_seals(vertical.T, binary.T, seals.T).T
    rules = cv2.bitwise_or(horizontal, vertical)
    # A ring is not a cell's text: beside a column rule found above it, it stood for text on
    # both sides of the rule in the rows below, and cut their cells in two.
    text = _text_ink(binary, rules | seal_rings_drawn(binary.shape, rings) if rings else rules)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    page_w = binary.shape[1]
    large = [
        i for i in range(1, count) if stats[i, 2] >= MIN_TABLE_WIDTH * page_w and stats[i, 3] >= 20
    ]

    def cells_of(i: int, without: list[int]) -> list[CellBox]:
        x, y, w, h, _ = stats[i]
        area = (slice(y, y + h), slice(x, x + w))
        own_h, own_v = horizontal[area], vertical[area]
        if without:
            theirs = np.isin(labels[area], without)
            own_h, own_v = np.where(theirs, 0, own_h), np.where(theirs, 0, own_v)
        cells = _cells(own_h, own_v, text[area])
        return [
            CellBox(
                c.row,
                c.col,
                c.rowspan,
                c.colspan,
                (c.box[0] + x, c.box[1] + y, c.box[2] + x, c.box[3] + y),
            )
            for c in cells
        ]

    found = {i: cells_of(i, []) for i in large}
    found = {i: cells for i, cells in found.items() if len(cells) > 1}  # one cell is a frame
    apart = round(FRAME_APART * page_w)
    for i in list(found):
        # A frame round a table (a page border, a photo's page edge) took the table's rules
        # for its own. Pieces of one table broken apart by faint rules cross into each other's
        # boxes, and still count as one another's.
        held = [j for j in found if j != i and _apart_inside(labels, stats, i, j, apart)]
        if held:
            found[i] = cells_of(i, held)
    tables = {i: cells for i, cells in found.items() if len(cells) > 1}
    is_table = np.zeros(count, np.uint8)
    is_table[list(tables)] = 255
    table_rules = is_table[labels]
    ordered = sorted(tables.values(), key=lambda t: min(c.box[1] for c in t))
    return RuledPage(ordered, table_rules, rings)


def _bridged_under_seals(rules: np.ndarray, binary: np.ndarray, seals: np.ndarray) -> np.ndarray:
    """`rules` (row rules; pass the transposes for column rules) with their gaps under a seal
    (`seals`, its discs) closed where the page is inked along them (UNDER_SEAL of the gap): a
    rule printed under a fax's seal, its dashes lost among the seal's strokes. The row rule
    between table 四's headers and numbers was lost there, and the numbers joined the headers."""
    out = rules.copy()
    along = cv2.dilate(binary, np.ones((3, 1), np.uint8))  # a rule a pixel out of line
    for y in np.flatnonzero((seals > 0).any(axis=1) & (rules > 0).any(axis=1)):
        for (_, end), (start, _) in itertools.pairwise(runs(rules[y] > 0)):
            gap = slice(end, start)
            under_seal, inked = (seals[y, gap] > 0).mean(), (along[y, gap] > 0).mean()
            if min(under_seal, inked) >= UNDER_SEAL:
                out[y, gap] = 255
    return out


def _apart_inside(
    labels: np.ndarray, stats: np.ndarray, outer: int, inner: int, apart: int
) -> bool:
    """Does the box of component `inner` overlap `outer`'s while no rule of `outer` comes within
    `apart` pixels of it?"""
    (x, y, w, h), (u, v, s, t) = stats[outer][:4], stats[inner][:4]
    if not (x < u + s and u < x + w and y < v + t and v < y + h):
        return False
    near = labels[max(0, v - apart) : v + t + apart, max(0, u - apart) : u + s + apart]
    return not (near == outer).any()


def _positions(profile: np.ndarray, min_run: float) -> list[int]:
    """Centres of the bands where a rule runs (profile = ruled pixels per row or column)."""
    on = profile >= min_run
    positions, start = [], None
    for i, v in enumerate(np.append(on, False)):
        if v and start is None:
            start = i
        elif not v and start is not None:
            positions.append((start + i - 1) // 2)
            start = None
    return positions


def _closed(
    ys: list[int], profile: np.ndarray, vertical: np.ndarray, doubled: int = DOUBLED_RULE
) -> list[int]:
    """Row rules with a doubled rule (closer than `doubled`) taken once, where more of it is
    ruled (`profile`), and the top or bottom rule a page break left out (a table continued on
    the next page, printed without its top border) put back where the column rules end. Passed
    the column rules and `horizontal.T`, the same for a side border faint toner left too gapped
    to be found (a one-row continuation of table 四), put back where the row rules end. Taken
    halfway, a rule and a seal's stroke beside it made a rule 6 px off both, and their cells
    one (a fax's 结果维持 | 结果纠正 under a seal)."""
    merged: list[int] = []
    for y in ys:
        if merged and y - merged[-1] < doubled:
            if profile[y] > profile[merged[-1]]:
                merged[-1] = y
        else:
            merged.append(y)
    if not merged:
        return merged
    ruled_rows = np.flatnonzero((vertical > 0).sum(axis=1) >= 2)  # two column rules at least
    if ruled_rows.size:
        top, bottom = int(ruled_rows[0]), int(ruled_rows[-1])
        if merged[0] - top >= MIN_ROW:
            merged.insert(0, top)
        if bottom - merged[-1] >= MIN_ROW:
            merged.append(bottom)
    return merged


def _text_ink(binary: np.ndarray, rules: np.ndarray) -> np.ndarray:
    """What is inked but not a rule, specks removed: the cells' text."""
    text = cv2.subtract(binary, rules)
    return cv2.morphologyEx(text, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))


def _apart(
    text: np.ndarray,
    at: int,
    a0: int,
    a1: int,
    b0: int,
    b1: int,
    reach: int,
    glyph: float,
    rules: np.ndarray | None = None,
    gap: int = 0,
) -> bool:
    """Between two cells whose rule (at x = `at`, running over rows a0..a1; the cells reach out
    to columns b0 and b1) is lost to faint toner, is there text on both sides, with clear paper
    along the rule? Then they are two cells: text merged across them runs over the rule, or
    stands on one side of it. Or does the rule still show as a trace? Then they are two,
    blank or not; `rules`: the rules found, which a trace may run on from (a fax's dotted rule
    found over a third of a row and lost below). `gap`: the least clear paper from the text on
    one side to the text on the other (a label's characters stand closer: a fax's （一）予以公开,
    spanning the group labels' column rule of the rows below, was cut into （-） | 以公开 at
    the paper beside its bracket). Pass `text.T` for a row rule."""
    span = slice(a0 + (a1 - a0) // 6, a1 - (a1 - a0) // 6)
    rows = text[span]
    flanks = (  # the rule's own remnants are left out: they stay within its width
        rows[:, at - reach : at - RULE_WIDTH],
        rows[:, at + RULE_WIDTH + 1 : at + reach + 1],
    )
    trace = rows
    if rules is not None:  # on the rule's own line only: the cells' other rules are no trace
        line = slice(at - RULE_WIDTH, at + RULE_WIDTH + 1)
        trace = rows.copy()
        trace[:, line] |= rules[span, line]
    return _traced(trace[:, b0 : b1 + 1], at - b0) or (
        not any(flank.any() for flank in flanks)
        and _clear_across(rows[:, b0 + reach : b1 - reach + 1], at - b0 - reach) >= gap
        and _holds_glyph(rows[:, b0 + reach : at - reach], glyph)
        and _holds_glyph(rows[:, at + reach + 1 : b1 - reach], glyph)
    )


def _clear_across(rows: np.ndarray, at: int) -> int:
    """Columns of clear paper around x = `at` (the rule's own width left out) in `rows`."""
    inked = rows.any(axis=0)
    inked[max(0, at - RULE_WIDTH) : at + RULE_WIDTH + 1] = False
    left = np.flatnonzero(inked[:at])
    right = np.flatnonzero(inked[at:])
    return int((at + right[0] if right.size else inked.size) - (left[-1] if left.size else 0))


def _traced(rows: np.ndarray, at: int) -> bool:
    """Does the lost rule (at x = `at` across the two cells' `rows`) still show as a dashed
    trace from end to end: bits of ink on its line, none beside them, in at least TRACED of its
    rows, in its first and last quarters, and in a row holding no text at all? A label's last
    character standing close to the rule does not hide it then; a stroke of a glyph in a
    merged cell, on the line, has its text line beside it."""
    band = slice(at - RULE_WIDTH, at + RULE_WIDTH + 1)
    on_rule = rows[:, band].any(axis=1)
    beside = rows[:, at - 2 * RULE_WIDTH : at - RULE_WIDTH].any(axis=1) | rows[
        :, at + RULE_WIDTH + 1 : at + 2 * RULE_WIDTH + 1
    ].any(axis=1)
    text = rows[:, : band.start].any(axis=1) | rows[:, band.stop :].any(axis=1)
    trace = on_rule & ~beside
    quarter = max(1, len(trace) // 4)
    return bool(
        trace.mean() >= TRACED
        and trace[:quarter].any()
        and trace[-quarter:].any()
        and (on_rule & ~text).any()
    )


def _holds_glyph(text: np.ndarray, size: float) -> bool:
    """Is there a blob of ink as large as a glyph? Specks and a shaded row's grain are not."""
    if not text.size:
        return False
    count, _, stats, _ = cv2.connectedComponentsWithStats(text, connectivity=8)
    return any(max(w, h) >= size for _, _, w, h, _ in stats[1:count])


def _remnants(text: np.ndarray, at: int, a0: int, a1: int) -> float:
    """The share of a lost rule's length (at x = `at`, over rows a0..a1) where bits of it are
    left, too short to pass for a rule. Pass `text.T` for a row rule."""
    rows = text[a0 + (a1 - a0) // 6 : a1 - (a1 - a0) // 6, at - RULE_WIDTH : at + RULE_WIDTH + 1]
    return float((rows > 0).any(axis=1).mean()) if rows.size else 0.0


def _groups(
    members: list[tuple[int, int]], joined: list[tuple[tuple[int, int], tuple[int, int]]]
) -> list[list[tuple[int, int]]]:
    """The elementary cells `members` grouped by the `joined` pairs between them."""
    parent = {m: m for m in members}

    def find(m):
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    for a, b in joined:
        if a in parent and b in parent:
            parent[find(b)] = find(a)
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for m in members:
        groups.setdefault(find(m), []).append(m)
    return list(groups.values())


def _rectangles(
    members: list[tuple[int, int]], joined: list[tuple[tuple[int, int], tuple[int, int]]]
) -> list[tuple[int, int, int, int]]:
    """Merged cells (r0, c0, r1, c1) from elementary cells with no rule between them. A merged
    cell is a rectangle: a group that is not one (a tall group label joined to the item labels
    beside it where a faint column rule was lost) is cut into the largest rectangle at its top
    left and the rest, regrouped among themselves. Its crop would otherwise hold the labels of
    rows it does not cover, and those rows none."""
    out = []
    for group in _groups(members, joined):
        inside = set(group)
        r0, c0 = min(group)
        r1 = r0
        while (r1 + 1, c0) in inside:
            r1 += 1
        c1 = c0
        while all((r, c1 + 1) in inside for r in range(r0, r1 + 1)):
            c1 += 1
        out.append((r0, c0, r1, c1))
        rest = [m for m in group if not (r0 <= m[0] <= r1 and c0 <= m[1] <= c1)]
        if rest:
            out += _rectangles(rest, joined)
    return out


def _cells(horizontal: np.ndarray, vertical: np.ndarray, text: np.ndarray) -> list[CellBox]:
    h, w = horizontal.shape
    row_profile = (horizontal > 0).sum(axis=1)
    ys = _closed(_positions(row_profile, min_run=0.08 * w), row_profile, vertical)
    if len(ys) < 2:
        return []
    one_line = float(np.percentile(np.diff(ys), 10))  # the height of a one-line row
    doubled = int(np.clip(DOUBLED_COLUMN * one_line, DOUBLED_RULE, 2 * DOUBLED_RULE))
    column_profile = (vertical > 0).sum(axis=0)
    xs = _closed(
        _positions(column_profile, min_run=min(0.08 * h, 60)), column_profile, horizontal.T, doubled
    )
    if len(xs) < 2:
        return []
    rows, cols = len(ys) - 1, len(xs) - 1
    wide, narrow = max(RULE_WIDTH + 3, round(TEXT_APART * one_line)), RULE_WIDTH + 3
    glyph = GLYPH * one_line
    gap = round(TEXT_GAP * one_line)

    def inked(mask, a0, a1, b, along_rows: bool) -> float:
        lo, hi = a0 + (a1 - a0) // 6, a1 - (a1 - a0) // 6  # skip the corners
        band = (
            mask[lo:hi, max(0, b - 3) : b + 4] if along_rows else mask[max(0, b - 3) : b + 4, lo:hi]
        )
        if band.size == 0:
            return 1.0
        return float((band > 0).any(axis=1 if along_rows else 0).mean())

    def ruled(mask, a0, a1, b, along_rows: bool) -> bool:
        return inked(mask, a0, a1, b, along_rows) >= BORDER_INK

    def column_ruled(r: int, c: int) -> bool:
        """Is there a rule between cells (r, c) and (r, c + 1)? Also a faint one (FAINT_BORDER)
        where the same column rule is found in the row above or below: a fax's light rule
        between two of table 四's headers kept dots over 18% of the row, the data row below
        was ruled, and the two headers were read as one."""
        share = inked(vertical, ys[r], ys[r + 1], xs[c + 1], True)
        return share >= BORDER_INK or (
            share >= FAINT_BORDER
            and any(
                ruled(vertical, ys[n], ys[n + 1], xs[c + 1], True)
                for n in (r - 1, r + 1)
                if 0 <= n < rows
            )
        )

    joined: list[tuple[tuple[int, int], tuple[int, int]]] = []  # neighbours with no rule between
    for r in range(rows):
        for c in range(cols):
            if (
                c + 1 < cols
                and not column_ruled(r, c)
                and not _apart(
                    text, xs[c + 1], ys[r], ys[r + 1], xs[c], xs[c + 2], wide, glyph, vertical, gap
                )
            ):
                joined.append(((r, c), (r, c + 1)))
            if (
                r + 1 < rows
                and not ruled(horizontal, xs[c], xs[c + 1], ys[r + 1], False)
                # lines of a wrapped label stand closer than the reach, a row's text does not
                and not (
                    _remnants(text.T, ys[r + 1], xs[c], xs[c + 1]) >= REMNANTS
                    and _apart(text.T, ys[r + 1], xs[c], xs[c + 1], ys[r], ys[r + 2], narrow, glyph)
                )
            ):
                joined.append(((r, c), (r + 1, c)))
    all_cells = [(r, c) for r in range(rows) for c in range(cols)]
    cells = []
    for r0, c0, r1, c1 in _rectangles(all_cells, joined):
        cells.append(
            CellBox(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
        )
    return sorted(cells, key=lambda c: (c.row, c.col))
