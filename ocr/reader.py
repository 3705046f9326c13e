"""Read a scanned page: upright it, find its ruled tables, recognise every cell crop.

The grid is known from the rules, so each cell's crop is recognised on its own (text lines
split by their ink) rather than detecting text over the whole page; bench/run.py measures both.

Confidence per cell starts from the recogniser's score and is lowered for digits that look
alike (0/6/8/9, 1/7), for a cell with ink but no text, and for text that is almost but not
quite a number. Unsure numbers are read a second time from an enlarged, re-binarised crop;
that reading is kept as an alternative for the identity checks to consider.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, replace

import cv2
import numpy as np

from model.grid import Grid, GridCell, rectified_warning, turned_warning
from model.report import Flag
from model.settings import DEFAULT, ScanSettings
from model.text import MINUS_SIGNS, has_cjk, is_subsequence, is_word
from model.text import compact as to_compact
from model.title import has_title

from . import engine
from .levels import percentiles
from .preprocess import binarize_lines, flatten, rotate, turned_upright
from .seal import without_seals
from .table_grid import CellBox, find_tables, may_hold_tables, runs

BLANK_INK = 20  # dark pixels (specks removed) below which a cell is empty
DIGIT_HEIGHT = 15  # pixels: a digit at 200 dpi, 9 pt, is 22 tall; specks are smaller
SURE = 0.99  # at or above this, no look-alike penalty
REREAD_BELOW = 0.95  # readings below this are read a second time
LOOKALIKE_DIGITS = set("06891 7".replace(" ", ""))
LOOKALIKE_PENALTY = 0.02  # per look-alike digit, on readings below SURE
INK_WITHOUT_TEXT = 0.2
MIXED_TEXT = 0.5  # digits mixed with letters: likely a misreading
UNREAD_SIGN = 0.5  # a dash stands before a number read without it: its sign is unsure
DASH_INK = 0.25  # of the way from paper to a line's darkest pixel: a dash's ink is darker
BULGE = 0.35  # of a blob's width: its middle rows' ink this close to one edge, it bows out
THIN_STROKE = 12  # pixels: a dark blob this large is a glyph's stroke, however thin, not noise
UNREAD_GLYPH = 0.3  # the line shows more characters than the reading has: a digit was dropped
ORIENTATION_MARGIN = 0.1  # a page is turned 180° if its text reads this much better so
TURN_GAIN = 1.5  # a table page is turned sideways if its labels read this many times as much so
TURN_LINES = 3  # lines of each label read each way
ORIENTATION_SAMPLES = 4  # label cells read each way to tell a turned page (0.3 vs 0.99)
UPRIGHT_SAMPLE = 12  # largest inked cells looked at to tell an upright page (see _reads_upright)
UPRIGHT_READS = 3  # of them reading at UPRIGHT_SCORE or better
UPRIGHT_SCORE = 0.9
TITLE_LINES = 8
# A line of the page's text read below this (its characters' mean probability) may hold a wrong
# character. Agency lines of two tune draws' title pages: 65 read right at 0.949-1.0, one read
# wrong (石聚山区 for 石景山区) at 0.934.
UNSURE_LINE = 0.95
TWO_LINES = 1.6  # line heights: a band this tall holds two lines of text
FULL_MARK = 0.6  # of a band's height: a character in it is at least this tall
FAINT_ROW = 0.05  # of a band's fullest row's ink: a row of specks between two lines
TITLE_SQUEEZE = 0.8  # another width a title page's centred lines of words are read at
HALVES_WITHIN = 0.15  # of a centred line's width either side of its middle: where it is cut
# Of the page's width, at most: a title's or agency's line (a title of 16 characters at 22 pt
# is 0.6 of A4's width; a line of body text between 2.5 cm margins 0.76).
CENTRED_LINE = 0.68
BILEVEL = 0.98  # share of a page's pixels pure black or white: a fax
DARK = 140  # gray level below which a pixel is ink, at least
PRINT_CORE = 10  # percentile of the gray of a page's ink (edges included): its print's darkest
# A cell's darkest ink: a lone "1" covers more than this share of a cell up to INK_CELL_WIDTH
# times as wide as it is tall. In a wider one (table 二's, a whole row wide) where that share
# is not ink, it is looked for in a share as of a cell that wide.
INK_PERCENTILE = 0.5
INK_CELL_WIDTH = 2.0
GLYPH_CONTRAST = 40  # gray levels from a cell's paper to its darkest ink, at least, for a glyph
TITLE_PAGES = 2  # pages whose top lines may be read: the title is on the first (or a cover's next)
_NUMBER = re.compile(r"[+\-−]?\d+(?:\.\d+)?")  # signed: 本年增/减 of the 2019 template
# A "0" whose thin top and bottom were lost (a 1-bit fax) reads as "()": its second reading is
# made from strokes thickened by a THICKEN disc on the 2x crop. Of the 48 cells of a fax's table
# page read as brackets or zero, thickened by a 3x3 square 23 read "0" and 20 still brackets; by
# a 7x7 disc, 34 and 2.
_BROKEN_STROKES = re.compile(r"[()（）\[\]【】{}]")
_BRACKETS_ALONE = re.compile(_BROKEN_STROKES.pattern + "+")
THICKEN = (7, 7)
_SEEN_IN_THE_INK = {Flag.UNREAD_SIGN, Flag.UNREAD_GLYPH}  # doubts a second reading can't lift
_MINUS_FIRST = re.compile(rf"[{re.escape(MINUS_SIGNS)}]\d+")  # a number with its minus
_NUMBER_WITH_UNIT = re.compile(_NUMBER.pattern + r"(?:万?元)?")  # 251000元 (2019 procurement)


@dataclass
class PageReading:
    grids: list[Grid]
    text: str  # text of the page outside the tables, from the cells of 1-column boxes
    turned: int  # degrees the page was turned to be upright
    skew: float  # degrees it was deskewed by
    width: int
    height: int
    page: int
    rectified: bool  # a photo warped flat
    unsure_lines: list[str]  # lines of `text` read below UNSURE_LINE (a name may be misread)

    @property
    def warnings(self) -> list[str]:
        turned = [turned_warning(self.page, self.turned)] if self.turned else []
        return turned + ([rectified_warning(self.page)] if self.rectified else [])


def read_page(
    image: np.ndarray,
    page: int,
    bbox_scale: float = 1.0,
    settings: ScanSettings = DEFAULT,
    text: bool = True,
) -> PageReading:
    """Bboxes are the upright page's pixels times `bbox_scale` (72/dpi gives PDF points).
    `text`: read the lines at the top of the page (see _page_text); a report's title is on
    its first pages (TITLE_PAGES), and the rest of its text is not used."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    dashed = _bilevel(gray)
    flat, rectified = flatten(gray)
    turned_page, turns, skew, clear_turn = turned_upright(flat)
    holds_tables = may_hold_tables(turned_page, skew, dashed)
    if not text and not holds_tables:  # text only, and not read
        height, width = turned_page.shape
        return PageReading([], "", turns * 90, skew, width, height, page, rectified, [])

    def without_rules(image: np.ndarray) -> tuple[np.ndarray, list[list[CellBox]]]:
        return _without_rules(image, dashed) if holds_tables else (image, [])

    page_image = rotate(turned_page, skew)
    gray, tables = without_rules(page_image)
    turned = turns * 90
    grids, lines = _read_tables(gray, tables, page, bbox_scale, settings, text)
    if not _reads_upright(grids, lines) or (tables and not clear_turn):
        # A table page's turn is told by its cells (see _best_turn), a quarter turn only where
        # its ink left it unclear; a page without tables is tried upside down, told by its text.
        candidates = (2,) if clear_turn else (1, 2, 3)
        turn = _best_turn(gray, tables, candidates) if tables else 2
        if turn:
            turned_gray, turned_tables = without_rules(
                np.ascontiguousarray(np.rot90(page_image, turn))
            )
            turned_grids, turned_lines = _read_tables(
                turned_gray, turned_tables, page, bbox_scale, settings, text
            )
            if tables or _mean_score(turned_lines) > _mean_score(lines) + ORIENTATION_MARGIN:
                gray, tables, grids, lines = turned_gray, turned_tables, turned_grids, turned_lines
                turned = (turned - 90 * turn) % 360  # np.rot90 turns counter-clockwise
    page_text = "\n".join(line.text for line in lines)
    unsure = [line.text for line in lines if line.text.strip() and line.score < UNSURE_LINE]
    return PageReading(
        grids, page_text, turned, skew, gray.shape[1], gray.shape[0], page, rectified, unsure
    )


def reads_title(page: int, text_before: list[str]) -> bool:
    """Are this page's top lines read (`read_page`'s `text`)? The first page's are; the next
    page's only when the first holds no title (a cover): each line costs as much as a table
    row's numbers."""
    return page == 1 or (page <= TITLE_PAGES and not has_title("\n".join(text_before)))


def _bilevel(gray: np.ndarray) -> bool:
    """Is the page black and white only (a fax, a 1-bit scan)? Its thin rules are dashes."""
    sample = gray[::4, ::4]
    return bool(np.isin(sample, (0, 255)).mean() >= BILEVEL)


def _without_rules(gray: np.ndarray, dashed: bool) -> tuple[np.ndarray, list[list[CellBox]]]:
    """The page's tables, and the page with their rules painted paper-white: a rule left in a
    cell's crop (thick, blurred, or slanting in from a skewed scan) reads as "1" ("0" → "10").
    `dashed`: its rules are broken into dashes (a fax)."""
    binary = binarize_lines(gray)
    ruled = find_tables(binary, dashed)
    if not ruled.tables:
        return gray, []
    # The grid is the one found with the seal (its marks told apart from rules by their shape):
    # lifted first, a seal took a faint rule under it along, and two cells merged.
    clean = without_seals(gray, binary, ruled.seals)
    clean[ruled.rules > 0] = int(percentiles(gray, (50,))[0])  # the paper's gray
    return clean, ruled.tables


def _read_tables(
    gray, tables, page, bbox_scale, settings, text
) -> tuple[list[Grid], list[engine.Reading]]:
    if settings.ocr == "page":
        lines = engine.read_page(gray)
        return (
            [_table_from_lines(gray, t, page, bbox_scale, lines) for t in tables],
            _text_outside(lines, tables),
        )
    grids = [_read_table(gray, t, page, bbox_scale) for t in tables]
    return grids, _page_text(gray, tables) if text else []


def _reads_upright(grids: list[Grid], lines: list[engine.Reading]) -> bool:
    """Do some of the largest inked cells (labels) read well? Then the page is upright, and
    telling 0° from 180° costs no more readings. On the tune corpus, none of the 12 largest
    cells of an upside-down page reads at 0.9 (the best: 0.85); 37 of 40 upright table pages
    of its scan150, faint and fax documents have three that do. A few are not enough: a label
    cell of a 150 dpi scan often holds a line of specks, read as nothing (0.0). Numbers do not
    count: a "0" reads as well upside down (a turned page of table 三's rows of zeros was taken
    for upright). A page without tables is upright if its text lines (`lines`, when they were
    read) read at UPRIGHT_SCORE on average: a sideways cover photographed was turned the wrong
    way, and its title read as nothing."""
    inked = [
        c
        for g in grids
        for c in g.cells
        if (c.text.strip() or Flag.INK_WITHOUT_TEXT in c.flags)
        and not _NUMBER.fullmatch(to_compact(c.text))
    ]
    largest = sorted(inked, key=lambda c: -_area(c.bbox))[:UPRIGHT_SAMPLE]
    well_read = sum(c.confidence >= UPRIGHT_SCORE and has_cjk(c.text) for c in largest)
    if grids:
        return well_read >= UPRIGHT_READS
    return not lines or _mean_score(lines) >= UPRIGHT_SCORE


def _mean_score(lines: list[engine.Reading]) -> float:
    return float(np.mean([line.score for line in lines])) if lines else 0.0


def _best_turn(gray: np.ndarray, tables: list[list[CellBox]], turns: tuple[int, ...]) -> int:
    """Which of `turns` (quarter turns counter-clockwise, as np.rot90; 0 when none) reads the
    largest inked cells (labels) better than the page as it is; ORIENTATION_SAMPLES crops each
    way, every inked cell when those read alike both ways.

    Upside down, a page is told by its cells' readings (see _upside_down: a label's lines read
    at 0.3 against 0.99). Sideways, a label's lines are cut across its characters, and a
    line of one character reads as sure as a whole line: a quarter turn must read TURN_GAIN
    times as many characters, weighted by their score (a landscape page fed sideways: 46.7
    against 22.2; its labels' single characters read both ways at 0.8-1.0)."""
    cells = sorted((c for t in tables for c in t), key=lambda c: -_area(c.box))
    inner = (_inner(gray, c.box) for c in cells)
    inked = [s for s in inner if s.size and _ink_amount(s) > BLANK_INK]
    if not inked:
        return 0
    read, by_cell = _read_each_way(inked[:ORIENTATION_SAMPLES], turns)
    if 2 in turns and not _differing(by_cell[0], by_cell[2]) and len(inked) > ORIENTATION_SAMPLES:
        # The largest cells read alike both ways (a continuation's row of numbers, 0s the
        # largest): every inked cell is read, so that a 1 or a 2 tells (a row of table 四 read
        # upside down put its 1s under the wrong headers at 0.99).
        more_read, more_by_cell = _read_each_way(inked[ORIENTATION_SAMPLES:], turns)
        read = {turn: read[turn] + more_read[turn] for turn in read}
        by_cell = {turn: by_cell[turn] + more_by_cell[turn] for turn in by_cell}
    better = [
        turn
        for turn in turns
        if (_upside_down(by_cell[0], by_cell[2]) if turn == 2 else read[turn] > TURN_GAIN * read[0])
    ]
    return max(better, key=lambda turn: read[turn], default=0)


def _read_each_way(sample: list[np.ndarray], turns: tuple[int, ...]) -> tuple[dict, dict]:
    """The sample crops' lines read as they lie and turned each of `turns`: per turn, the sum
    of score times characters, and the readings per crop."""
    read, by_cell = {}, {}
    for turn in (0, *turns):
        lines = [_text_lines(np.ascontiguousarray(np.rot90(s, turn)))[:TURN_LINES] for s in sample]
        readings = iter(engine.recognize([line for cell in lines for line in cell]))
        by_cell[turn] = [list(itertools.islice(readings, len(cell))) for cell in lines]
        read[turn] = sum(r.score * len(to_compact(r.text)) for cell in by_cell[turn] for r in cell)
    return read, by_cell


def _differing(
    as_lies: list[list[engine.Reading]], turned: list[list[engine.Reading]]
) -> list[tuple[list[engine.Reading], list[engine.Reading]]]:
    """The cells (as they lie, turned) whose readings differ."""
    return [
        (a, b)
        for a, b in zip(as_lies, turned)
        if [to_compact(r.text) for r in a] != [to_compact(r.text) for r in b]
    ]


def _upside_down(as_lies: list[list[engine.Reading]], turned: list[list[engine.Reading]]) -> bool:
    """Do the sample cells read ORIENTATION_MARGIN better turned 180°, over the cells whose
    readings differ (a "0" reads the same both ways, at 1.0: a page of table 二 whose largest
    cells were three 0s and one label, 0.6 against 0.97, was left upside down)? A reading
    counts only as a number or as words (a "3" upside down reads "E" at 0.9, a "1" "T" or "I":
    an upright page of table 四's numbers, one "1" read "I" at 0.1 as it lay and "T" at 0.35
    turned, was turned)."""
    differing = _differing(as_lies, turned)
    if not differing:
        return False
    as_lies_score, turned_score = (
        float(np.mean([_plausible_score(r) for cell in cells for r in cell] or [0.0]))
        for cells in zip(*differing)
    )
    return turned_score > as_lies_score + ORIENTATION_MARGIN


def _plausible_score(reading: engine.Reading) -> float:
    """A line's score if it reads as a number or as words; 0 for anything else."""
    compact = to_compact(reading.text)
    return reading.score if has_cjk(compact) or _NUMBER.fullmatch(compact) else 0.0


def _empty_cell(box: CellBox, page: int, bbox_scale: float, has_ink: bool) -> GridCell:
    return GridCell(
        row=box.row,
        col=box.col,
        rowspan=box.rowspan,
        colspan=box.colspan,
        text="",
        confidence=0.0 if has_ink else 0.99,
        page=page,
        bbox=tuple(round(float(v) * bbox_scale, 2) for v in box.box),
    )


def _read_table(gray: np.ndarray, table: list[CellBox], page: int, bbox_scale: float) -> Grid:
    crops, owners = [], []
    cells = []
    inners = [_inner(gray, box.box) for box in table]
    glyphs = [_glyph_ink(inner) for inner in inners]
    inked = [_holds_ink(inner, mask) for inner, mask in zip(inners, glyphs)]
    height = line_height([mask for mask, ink in zip(glyphs, inked) if ink])
    bands_of = {}  # cell -> its lines' rows in its crop
    for box, inner, mask, ink in zip(table, inners, glyphs, inked):
        bands = _line_bands(mask, line_height=height) if ink else []
        lines = _cut_lines(inner, mask, bands)
        cell = _empty_cell(box, page, bbox_scale, bool(lines))
        cells.append(cell)
        bands_of[id(cell)] = bands
        for line in lines:
            crops.append(line)
            owners.append(cell)
    readings = engine.recognize(crops, cells=True) if crops else []
    per_cell: dict[int, list] = {}
    for cell, reading in zip(owners, readings):
        per_cell.setdefault(id(cell), []).append(reading)
    first_line = {}
    for cell, line in zip(owners, crops):
        first_line.setdefault(id(cell), line)
    for cell in cells:
        found = per_cell.get(id(cell))
        if found:
            cell.text = "\n".join(r.text for r in found)
            cell.confidence = cell_confidence(cell.text, min(r.score for r in found))
            if not cell.text.strip():
                cell.flags.append(Flag.INK_WITHOUT_TEXT)
            elif (
                _NUMBER.fullmatch(to_compact(cell.text))
                and cell.text.strip()[0].isdigit()
                and leads_with_dash(first_line[id(cell)])
            ):
                cell.confidence = min(cell.confidence, UNREAD_SIGN)
                cell.flags.append(Flag.UNREAD_SIGN)
    digit = _digit_width(
        [(c.text, c.confidence, first_line[id(c)]) for c in cells if id(c) in first_line]
    )
    for cell in cells:
        if id(cell) in first_line and _dropped_glyph(cell.text, first_line[id(cell)], digit):
            cell.confidence = min(cell.confidence, UNREAD_GLYPH)
            cell.flags.append(Flag.UNREAD_GLYPH)
    _reread_unsure(gray, table, cells)  # a dropped digit too: its second reading may have it
    for cell in cells:
        if Flag.UNREAD_SIGN in cell.flags:
            _take_a_minus_read_again(cell, first_line[id(cell)], digit)
    rows = _row_spans(table)
    split = []
    for box, cell in zip(table, cells):
        split += _lost_row_rules(box, cell, bands_of[id(cell)], rows, bbox_scale) or [cell]
    return Grid(split)


def _take_a_minus_read_again(cell: GridCell, line: np.ndarray, digit: float | None) -> None:
    """A number read without the dash its ink shows before it (UNREAD_SIGN) whose second
    reading (enlarged and binarised, the dash thicker) is the same number with a minus: the
    recogniser has read the minus, and the cell is its second reading. The recogniser drops a
    short thin minus ("-1" read "1" at 0.994; read again "-1" at 0.997): three 2019-template
    reports' 本年增/减 held for review at 200 dpi."""
    signed = next(
        (
            (text, confidence)
            for text, confidence in cell.alternatives
            if _MINUS_FIRST.fullmatch(to_compact(text))
            and to_compact(text)[1:] == to_compact(cell.text)
        ),
        None,
    )
    if signed is None:
        return
    cell.alternatives.remove(signed)
    cell.text, cell.confidence = signed
    cell.flags.remove(Flag.UNREAD_SIGN)
    if Flag.UNREAD_GLYPH in cell.flags:
        if _dropped_glyph(cell.text, line, digit):  # more ink than the minus: still unsure
            cell.confidence = min(cell.confidence, UNREAD_GLYPH)
        else:
            cell.flags.remove(Flag.UNREAD_GLYPH)


def _row_spans(table: list[CellBox]) -> dict[int, tuple[int, int]]:
    """Each grid row's top and bottom (pixels), from the cells one row tall."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for box in table:
        if box.rowspan == 1:
            spans.setdefault(box.row, []).append((box.box[1], box.box[3]))
    return {
        row: (int(np.median([a for a, _ in ys])), int(np.median([b for _, b in ys])))
        for row, ys in spans.items()
    }


def _lost_row_rules(
    box: CellBox,
    cell: GridCell,
    bands: list[tuple[int, int]],
    rows: dict[int, tuple[int, int]],
    bbox_scale: float,
) -> list[GridCell]:
    """A cell over several rows holding one number in each of them, each line standing in its
    own row: the rule between them was lost to faint toner (no value cell of a report spans
    rows). Returned as one cell per row, each as sure as the least sure line; none when it is
    a merged cell."""
    lines = cell.text.split("\n")
    if not (box.rowspan == len(lines) == len(bands) > 1):
        return []
    if not all(_NUMBER.fullmatch(to_compact(line)) for line in lines):
        return []
    top = _inner_box(box.box)[1]
    spans = [rows.get(box.row + i) for i in range(box.rowspan)]
    if not all(s and s[0] <= top + (y0 + y1) / 2 <= s[1] for s, (y0, y1) in zip(spans, bands)):
        return []
    x0, _, x1, _ = box.box
    return [
        replace(
            cell,
            row=box.row + i,
            rowspan=1,
            text=line,
            bbox=tuple(round(float(v) * bbox_scale, 2) for v in (x0, y0, x1, y1)),
            flags=list(cell.flags),
            alternatives=[],
        )
        for i, (line, (y0, y1)) in enumerate(zip(lines, spans))
    ]


def _digit_width(readings: list[tuple[str, float, np.ndarray]]) -> float | None:
    """The width of a digit in this table's print, in its height: from the sure readings of
    numbers of 2 digits or more without a narrow "1" (in three fonts, 0.67-0.75); None when
    the table has too few of them to tell (a constant flagged a wide print's "4127")."""
    widths = [
        (_ink_ratio(line) + 0.1) / len(text)
        for text, confidence, line in readings
        if confidence >= SURE and text.isdigit() and len(text) >= 2 and "1" not in text
    ]
    return float(np.median(widths)) if len(widths) >= 3 else None


def _dropped_glyph(text: str, line: np.ndarray, digit_width: float | None = None) -> bool:
    """Is a one-line number read with fewer characters than its line shows? The recogniser
    drops a thin "1" of a blurred 150 dpi scan ("14" read "4" at 0.98): digits stand apart,
    so each run of inked columns is at least one character. It drops a digit touching the next
    too ("326" read "26" at 0.999), so digits are also counted by the ink's width."""
    compact = to_compact(text)
    if not _NUMBER_WITH_UNIT.fullmatch(compact) or "\n" in text:
        return False
    too_wide = (
        digit_width is not None
        and compact.isdigit()
        and _ink_ratio(line) > digit_width * (len(compact) + 0.5) - 0.1
    )
    return _glyphs(line) > len(compact) or too_wide


def _ink_ratio(line: np.ndarray) -> float:
    """The width of a line's ink over its height. For n digits it is about 0.7 n - 0.1 (0.62,
    1.34, 2.06, 2.8, 3.55 for 1-5 digits, medians over 1058 sure readings at 150-300 dpi, in
    three fonts; 95th percentiles 0.75, 1.61, 2.39, 3.32, 4.0): half a digit wider than its
    reading, a number was read with a digit dropped."""
    ys, xs = np.nonzero(_glyph_ink(line))
    if not xs.size:
        return 0.0
    return (xs.max() - xs.min() + 1) / (ys.max() - ys.min() + 1)


def _glyphs(line: np.ndarray) -> int:
    """Characters standing apart in a line: inked blobs at least half as tall as the tallest
    (specks are not), with faint ink (the thin top of a blurred "0" joins it), counted once
    per run of columns they cover; the two halves of a "0" broken apart count once."""
    paper, ink = float(np.median(line)), float(line.min())
    faint = (line < paper - (paper - ink) / 4).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(faint, connectivity=8)
    tallest = max((h for *_, h, _ in stats[1:count]), default=0)
    tall = sorted(
        (i for i in range(1, count) if stats[i, 3] >= 0.5 * tallest), key=lambda i: stats[i, 0]
    )
    runs, end, before = 0, -1, None
    for i in tall:
        x, y, w, h, _ = stats[i]
        bulge = _bulge(labels[y : y + h, x : x + w] == i)
        if x >= end and not (before == "(" and bulge == ")"):
            runs += 1
        before, end = bulge, max(end, x + w)
    return runs


def _bulge(blob: np.ndarray) -> str | None:
    """ "(" or ")" when a blob's ink (its bounding box) bows out to one side, its middle rows
    at that edge and its ends curving away: the two halves of a "0" a fax broke apart at its
    top and bottom. A "1" stands straight, or leans its flag and foot out the other way."""
    h, w = blob.shape
    if w < 3:
        return None
    xs = np.nonzero(blob[h // 3 : h - h // 3])[1]
    if not xs.size:
        return None
    middle = (xs.mean() + 0.5) / w
    return "(" if middle <= BULGE else ")" if middle >= 1 - BULGE else None


def _table_from_lines(
    gray: np.ndarray, table: list[CellBox], page: int, bbox_scale: float, lines: list[engine.Line]
) -> Grid:
    """The table's cells filled with the page's detected text lines, each placed in the cell
    holding its centre; lines in one cell are joined top to bottom."""
    cells = [
        _empty_cell(box, page, bbox_scale, _ink_amount(_inner(gray, box.box)) > BLANK_INK)
        for box in table
    ]
    placed: dict[int, list[engine.Line]] = {}
    for line in lines:
        cx, cy = (line.box[0] + line.box[2]) / 2, (line.box[1] + line.box[3]) / 2
        for i, box in enumerate(table):
            x0, y0, x1, y1 = box.box
            if x0 <= cx < x1 and y0 <= cy < y1:
                placed.setdefault(i, []).append(line)
                break
    for i, cell in enumerate(cells):
        found = sorted(placed.get(i, []), key=lambda l: (l.box[1], l.box[0]))
        if found:
            cell.text = "\n".join(l.text for l in found)
            cell.confidence = cell_confidence(cell.text, min(l.score for l in found))
        elif cell.confidence == 0.0:  # ink, but no line detected on it
            cell.confidence = INK_WITHOUT_TEXT
            cell.flags.append(Flag.INK_WITHOUT_TEXT)
    _reread_unsure(gray, table, cells)
    return Grid(cells)


def _text_outside(lines: list[engine.Line], tables: list[list[CellBox]]) -> list[engine.Reading]:
    """Detected lines above the first table, in reading order (as _page_text)."""
    top = min((c.box[1] for t in tables for c in t), default=None)
    above = [l for l in lines if top is None or l.box[3] <= top]
    return [engine.Reading(l.text, l.score) for l in above[:TITLE_LINES]]


def cell_confidence(text: str, score: float) -> float:
    compact = to_compact(text)
    if not compact:
        return INK_WITHOUT_TEXT
    confidence = score
    if score < SURE and _NUMBER.fullmatch(compact):
        confidence -= LOOKALIKE_PENALTY * sum(ch in LOOKALIKE_DIGITS for ch in compact)
    elif re.search(r"\d", compact) and not has_cjk(compact) and not _NUMBER.fullmatch(compact):
        confidence *= MIXED_TEXT
    return max(0.0, min(1.0, confidence))


def _reread_unsure(gray: np.ndarray, table: list[CellBox], cells: list[GridCell]) -> None:
    """Second reading of unsure single-line cells, and of cells read as brackets alone (a fax's
    "0" that lost its top and bottom, read "()" at up to 0.98): enlarged 2x and
    Otsu-binarised, with broken strokes thickened."""
    unsure = [
        (box, cell)
        for box, cell in zip(table, cells)
        if (cell.confidence < REREAD_BELOW or _BRACKETS_ALONE.fullmatch(to_compact(cell.text)))
        and "\n" not in cell.text
        and not is_word(cell.text)  # a 150 dpi "3" read 国 (0.12) is read again "3" (1.0)
    ]
    if not unsure:
        return
    crops = []
    for box, cell in unsure:
        inner = _inner(gray, box.box)
        big = cv2.resize(inner, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        _, clean = cv2.threshold(big, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        if _BROKEN_STROKES.search(cell.text):  # thickens the ink: closes a "0" read "()"
            clean = cv2.erode(clean, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, THICKEN))
        lines = _text_lines(clean)
        crops.append(lines[0] if lines else clean)
    for (_, cell), reading in zip(unsure, engine.recognize(crops)):
        second = cell_confidence(reading.text, reading.score)
        cell.flags.append(Flag.REREAD)
        if to_compact(reading.text) == to_compact(cell.text):
            if not _SEEN_IN_THE_INK & set(cell.flags):  # agreeing does not answer the ink
                cell.confidence = max(cell.confidence, second)
        else:
            cell.alternatives.append((reading.text, second))


def _page_text(gray: np.ndarray, tables: list[list[CellBox]]) -> list[engine.Reading]:
    """The first lines above the tables (or of a page without tables: a title page may hold
    its title halfway down): enough for the title, agency and year. The rest of the body is
    not read, to keep scans fast."""
    top = min((c.box[1] for t in tables for c in t), default=gray.shape[0])
    band = gray[:top]
    if not band.size:
        return []
    # The page's line height is its bands' median: its tallest band may be two lines touching,
    # and pairs of lines joined as one read as nothing (a fax's title page). Not of rows of
    # specks: a fax's noise made the median 10 pixels where its lines were 26, and the rows of
    # specks left in took the title's place among the TITLE_LINES read. Each band counts as
    # much as it is wide: on a fax's title page five specks, a band each (7-9 pixels), made
    # the median of its two lines' (39, 52) 8.5, and its title was read as specks.
    lowest = gray.shape[0] // 300
    dark = _page_ink(band)
    seen = [
        dark[y0:y1]
        for y0, y1 in _ink_bands(dark)
        if y1 - y0 >= lowest and _spans_its_band(dark[y0:y1])
    ]
    line = _weighted_median(
        [b.shape[0] for b in seen], [np.count_nonzero(b.any(axis=0)) for b in seen]
    )
    bands = _page_line_bands(dark, lowest, line)
    return _fullest_readings(_cut_lines(band, dark, bands, TITLE_LINES), band.shape[1])


def _weighted_median(values: list[int], weights: list[int]) -> float | None:
    if not values:
        return None
    order = np.argsort(values)
    heavy = np.cumsum(np.asarray(weights)[order]) >= sum(weights) / 2
    return float(np.asarray(values)[order][np.argmax(heavy)])


def _spans_its_band(dark: np.ndarray) -> bool:
    """Does a band of ink hold a mark nearly as tall as the band (a character)? Specks scattered
    over rows of noise make a band each of them is far lower than (5 pixels in 9 to 17)."""
    return any(y1 - y0 >= FULL_MARK * dark.shape[0] for *_, y0, y1 in _marks(dark)[1])


def _page_line_bands(dark: np.ndarray, lowest: int, line: float | None) -> list[tuple[int, int]]:
    """A page's text lines (see _line_bands), those over TWO_LINES lines tall cut apart (see
    _lines_apart). Not in cells: a label whose lost rule left its first number beside it was
    cut so that the number joined the label's first line."""
    bands = _line_bands(dark, min_height=lowest, line_height=line)
    if not bands or line is None:
        return bands
    return [piece for band in bands for piece in _lines_apart(dark, band, line, lowest)]


def _fullest_readings(lines: list[np.ndarray], page_width: int) -> list[engine.Reading]:
    """Lines of words read at TITLE_SQUEEZE of their width too, and in halves (see _halves),
    each keeping its fullest reading (see fullest). Only lines narrower than the page's text (a
    centred title or agency line, not a paragraph's): a body line read twice costs as much as a
    table's numbers. Narrower than the page, not than the widest line read: on a title page of
    two lines, the agency's was the widest, and lost 人 of 人民政府."""
    if not lines:
        return []
    usual = engine.recognize(lines)
    centred = [
        i
        for i, line in enumerate(lines)
        if engine.is_wide_line(line) and line.shape[1] <= CENTRED_LINE * page_width
    ]
    again = engine.recognize([lines[i] for i in centred], TITLE_SQUEEZE)
    halved = {i: halves for i in centred if (halves := _halves(lines[i]))}
    pieces = iter(engine.recognize([half for i in halved for half in halved[i]]))
    for i, reading in zip(centred, again):
        readings = [usual[i], reading]
        if i in halved:
            left, right = next(pieces), next(pieces)
            joined = engine.Reading(left.text + right.text, min(left.score, right.score))
            if _adds_only_characters(joined, usual[i]):
                readings.append(joined)
        usual[i] = fullest(readings)
    return usual


def _halves(line: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The line cut in two in the widest gap of paper within HALVES_WITHIN of its width of its
    middle, or None. Paper is what no ink a quarter of the way from it to the darkest touches:
    where only darker ink counted, the gap under 山's light bottom stroke was the widest, and
    the halves read 石景l and 山区. The recogniser drops a character of a long line at every
    width, sure of itself, and not in either half: a photo's title
    四方台区2023年政府信息公开工作年度报告 lost 方 and 工 at 0.5-1.0 of its width."""
    width = line.shape[1]
    paper, darkest = float(np.median(line)), float(line.min())
    inked = (line < paper - (paper - darkest) / 4).any(axis=0)
    low, high = round(width * (0.5 - HALVES_WITHIN)), round(width * (0.5 + HALVES_WITHIN))
    gaps = [(low + a, low + b) for a, b in runs(~inked[low:high])]
    if not gaps:
        return None
    start, end = max(gaps, key=lambda gap: (gap[1] - gap[0], -abs(sum(gap) - width)))
    cut = (start + end) // 2
    return line[:, :cut], line[:, cut:]


def _adds_only_characters(reading: engine.Reading, usual: engine.Reading) -> bool:
    """Does `reading` hold `usual`'s words, in order, and more Chinese characters only? A cut
    through a character leaves a stroke that reads "l" or "1"."""
    words, kept = _words(reading.text), _words(usual.text)
    extra = Counter(words) - Counter(kept)
    return is_subsequence(kept, words) and all(has_cjk(ch) for ch in extra)


def fullest(readings: list[engine.Reading]) -> engine.Reading:
    """The recogniser drops a character of a long line at one width and not at another, sure
    of itself either way: 北京市丰台区(人)民政府 lost 人 at 0.65 and 0.7 of its width, not at
    0.6 or 0.8 (on two scans). It seldom adds one, but for a mark ("2019年" read "201.9年"
    at one width). So where every reading's words are within the longest's (the same
    characters, some dropped), the longest is kept, with the fewest marks; where they disagree
    otherwise, the first (the usual width's)."""
    longest = max(readings, key=lambda r: (len(_words(r.text)), -len(r.text)))
    if all(is_subsequence(_words(r.text), _words(longest.text)) for r in readings):
        return longest
    return readings[0]


def _words(text: str) -> str:
    """The text's characters, digits and letters: no punctuation, no spaces."""
    return "".join(ch for ch in text if ch.isalnum())


def _inner(gray: np.ndarray, box) -> np.ndarray:
    x0, y0, x1, y1 = _inner_box(box)
    return gray[y0:y1, x0:x1]


def _inner_box(box) -> tuple[int, int, int, int]:
    """A cell's box without its rules."""
    x0, y0, x1, y1 = box
    pad = min(max(3, (x1 - x0) // 60, (y1 - y0) // 30), 8)
    return x0 + pad, y0 + pad, x1 - pad, y1 - pad


def _ink(crop: np.ndarray, glyphs: np.ndarray | None = None) -> np.ndarray:
    """Glyph ink (`glyphs`, by default _glyph_ink) as a boolean mask, specks (noise, JPEG)
    removed."""
    if crop.size == 0:
        return np.zeros(crop.shape, bool)
    dark = (_glyph_ink(crop) if glyphs is None else glyphs).astype(np.uint8)
    return cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)).astype(bool)


def _ink_amount(crop: np.ndarray) -> int:
    return int(_ink(crop).sum())


def _holds_ink(crop: np.ndarray, glyphs: np.ndarray) -> bool:
    """Is the cell not blank? It holds ink, specks left out, or a mark as tall as a digit
    however thin: a light "1" at 200 dpi is 2 pixels wide, and removing specks removed it (its
    cell was taken for blank, surely). A mark on the crop's side is what is left of a column
    rule, not a glyph. `glyphs` is its _glyph_ink."""
    if not crop.size:
        return False
    if int(_ink(crop, glyphs).sum()) > BLANK_INK:
        return True
    count, _, stats, _ = cv2.connectedComponentsWithStats(glyphs.astype(np.uint8), 8)
    width = crop.shape[1]
    return any(
        h >= DIGIT_HEIGHT and x > 1 and x + w < width - 1 for x, _, w, h, _ in stats[1:count]
    )


def _text_lines(crop: np.ndarray) -> list[np.ndarray]:
    """A cell's crop cut into text lines by its ink rows (see _line_bands), each trimmed to its
    ink, with a margin. Its ink is _glyph_ink's (not _ink(): opening would cut thin strokes of
    small digits in two)."""
    dark = _glyph_ink(crop)
    return _cut_lines(crop, dark, _line_bands(dark))


def _cut_lines(
    crop: np.ndarray, dark: np.ndarray, bands: list[tuple[int, int]], most: int | None = None
) -> list[np.ndarray]:
    """The lines at `bands` (rows of the crop, see _line_bands), each trimmed to its ink; the
    first `most` of them (cutting out a line costs more than finding it: 2400 px wide)."""
    out: list[np.ndarray] = []
    for y0, y1 in bands:
        if len(out) == most:
            break
        line, kept = _without_specks(crop[y0:y1], dark[y0:y1])
        cols = np.where(kept.any(axis=0))[0]
        if cols.size == 0:
            continue
        margin = max(4, (y1 - y0) // 4)
        x0, x1 = max(0, cols[0] - margin), min(crop.shape[1], cols[-1] + 1 + margin)
        out.append(
            cv2.copyMakeBorder(
                line[:, x0:x1],
                margin,
                margin,
                0,
                0,
                cv2.BORDER_CONSTANT,
                value=int(np.median(line)),
            )
        )
    return out


def _line_bands(
    dark: np.ndarray, min_height: int = 4, line_height: float | None = None
) -> list[tuple[int, int]]:
    """The rows (y0, y1) of each text line in a crop's ink `dark`.

    `line_height` is the height of one line of text (by default the crop's tallest band).
    Bands that together are no taller than a line are one line: a glyph whose strokes leave a
    blank row ("5", "7" at low resolution, "二"). A thin band at the crop's edge is what is left
    of a rule, and a band much lower than a line is a speck: neither is text."""
    bands = [(y0, y1) for y0, y1 in _ink_bands(dark) if y1 - y0 >= min_height]
    height = line_height or max((y1 - y0 for y0, y1 in bands), default=0)
    bands = [b for b in bands if not _rule_remnant(b, dark.shape[0], height)]
    bands = [b for b in _one_line_each(bands, height) if b[1] - b[0] >= 0.4 * height]
    text = [b for b in bands if not _specks_only(dark[b[0] : b[1]], height)]
    return text or bands  # specks alone: read, so that the cell is flagged, not taken as blank


def _page_ink(gray: np.ndarray) -> np.ndarray:
    """The ink of a page's text: at DARK, as light pixels (shading, halo) run lines together,
    and darker than the paper around it, as a photo's shadow is darker than DARK. A light print
    is taken halfway from its darkest ink (PRINT_CORE) to the paper: a blurred 150 dpi title
    page printed at 144-164 on paper at 224 kept specks of each character at DARK, removed as
    specks, and its title was not read."""
    inked = binarize_lines(gray) > 0
    if not inked.any():
        return inked
    (paper,) = percentiles(gray, (50,))
    (core,) = percentiles(gray[inked], (PRINT_CORE,))
    return (gray < max(DARK, (core + paper) / 2)) & inked


def line_height(glyphs: list[np.ndarray]) -> float | None:
    """The height of a line of text in a table: the median over its inked cells (their
    _glyph_ink) of their tallest ink band. Most cells hold one number, so a glyph split in two
    does not move it."""
    tallest = [max(y1 - y0 for y0, y1 in bands) for mask in glyphs if (bands := _ink_bands(mask))]
    return float(np.median(tallest)) if tallest else None


def _glyph_ink(crop: np.ndarray) -> np.ndarray:
    """The ink of a cell's glyphs as a mask. Light print (a thin serif stroke blurred at 150 dpi
    is 110-170 on paper at 213) falls apart at DARK: its digits were cut in two lines ("12"
    read "四\nL"), or a light "3" was dropped as a speck ("326" read "26"). So, by hysteresis,
    pixels near the cell's darkest ink are glyphs, and so are lighter pixels joined to them,
    half way up to the paper; noise as light as that stays out unless it touches a glyph. Both
    levels are DARK at least, as on clean print; a cell whose darkest pixels are not well below
    its paper has no glyph lighter than DARK (noise alone)."""
    dark = crop < DARK
    if not crop.size:
        return dark
    paper, ink = percentiles(crop, (50, INK_PERCENTILE))
    h, w = crop.shape
    if paper - ink < GLYPH_CONTRAST and w > INK_CELL_WIDTH * h:
        ink = percentiles(crop, (INK_PERCENTILE * INK_CELL_WIDTH * h / w,))[0]
    if paper - ink < GLYPH_CONTRAST:
        return dark
    seeds = (crop < max(DARK, ink + 0.25 * (paper - ink))).astype(np.uint8)
    # Not noise: a blob 2 pixels thick somewhere, or a long thin stroke (a minus 1 pixel thick
    # was lost, and the crop cut through it: -3 read 3).
    count, labels, stats, _ = cv2.connectedComponentsWithStats(seeds, connectivity=8)
    stroke = stats[:, cv2.CC_STAT_AREA] >= THIN_STROKE
    stroke[0] = False
    opened = cv2.morphologyEx(seeds, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)) > 0
    seeds = opened | stroke[labels]
    light = (crop < max(DARK, (paper + ink) / 2)).astype(np.uint8)
    count, labels = cv2.connectedComponents(light, connectivity=8)
    joined = np.zeros(count, bool)
    joined[np.unique(labels[seeds])] = True
    joined[0] = False
    return joined[labels]


def _ink_bands(dark: np.ndarray) -> list[tuple[int, int]]:
    """Row bands (y0, y1) holding ink; a row with a single dark pixel is blank (a speck)."""
    ink_per_row = cv2.dilate(dark.astype(np.uint8), np.ones((3, 1), np.uint8)).sum(axis=1)
    return runs(ink_per_row > 1)


def _rule_remnant(band: tuple[int, int], crop_height: int, line: float) -> bool:
    thin = band[1] - band[0] < 0.3 * line
    return thin and (band[0] <= 2 or band[1] >= crop_height - 2)


def _specks_only(dark: np.ndarray, line: float) -> bool:
    """Is a band's ink only specks, none of its marks as tall or as wide as part of a glyph?
    Salt-and-pepper noise on a 150 dpi scan leaves rows of specks that join into a band as
    tall as a line ("0" read "0\n福")."""
    return all(
        y1 - y0 < 0.35 * line and x1 - x0 < 0.5 * line for _, x0, x1, y0, y1 in _marks(dark)[1]
    )


def _lines_apart(
    dark: np.ndarray, band: tuple[int, int], line: float, min_height: int
) -> list[tuple[int, int]]:
    """A band taller than TWO_LINES lines cut where its rows hold almost no ink (FAINT_ROW of
    its fullest row's): a fax's specks between two lines of a page join them into one band,
    read as nothing (its title and the line under it)."""
    y0, y1 = band
    if y1 - y0 <= TWO_LINES * line:
        return [band]
    per_row = dark[y0:y1].astype(bool).sum(axis=1)
    rows = runs(per_row > FAINT_ROW * per_row.max())
    return [(y0 + a, y0 + b) for a, b in rows if b - a >= min_height] or [band]


def _one_line_each(bands: list[tuple[int, int]], line: float) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for y0, y1 in bands:
        if joined and y1 - joined[-1][0] <= 1.3 * line:
            joined[-1] = (joined[-1][0], y1)
        else:
            joined.append((y0, y1))
    return joined


def _without_specks(line: np.ndarray, dark: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The line with ink that is not text painted white, and the ink left (`dark` is its ink):
    small marks before the first character, after the last, or far from any. Small marks between
    characters stay (a decimal point, 、); at either end of a line they are specks, read as ".0"
    or "0.". A minus sign just before the first character stays too (本年增/减 -3 of the 2019
    template)."""
    height = line.shape[0]
    labels, marks = _marks(dark)
    big = [(x0, x1) for _, x0, x1, y0, y1 in marks if y1 - y0 >= 0.35 * height]
    if not big:
        return line, dark
    tallest = max(((y0, y1) for *_, y0, y1 in marks), key=lambda span: span[1] - span[0])
    first, last = min(a for a, _ in big), max(b for _, b in big)
    clean, kept = line.copy(), dark.copy()
    paper = int(np.median(line))
    for i, x0, x1, y0, y1 in marks:
        if y1 - y0 >= 0.35 * height:
            continue
        if x1 <= first and first - x1 <= 0.6 * height and _is_minus((x0, x1, y0, y1), tallest):
            continue
        if x1 <= first or x0 >= last or min(max(a - x1, x0 - b, 0) for a, b in big) > 0.6 * height:
            clean[labels == i] = paper
            kept[labels == i] = False
    return clean, kept


def _marks(dark: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int, int, int, int]]]:
    """Ink blobs grouped with the blobs a few pixels away, as (label, x0, x1, y0, y1): a blurred
    low-resolution character (章) falls apart into several small blobs, which together are
    tall. Also the label image."""
    reach = max(3, dark.shape[0] // 8) | 1
    grouped = cv2.dilate(dark.astype(np.uint8), np.ones((reach, reach), np.uint8))
    count, labels = cv2.connectedComponents(grouped, connectivity=8)
    labels = np.where(dark, labels, 0)
    # Each group's extent in one pass over its pixels (not a pass per group: a title line holds
    # a hundred groups).
    ys, xs = np.nonzero(labels)
    ids = labels[ys, xs]
    x0, y0 = np.full(count, dark.shape[1]), np.full(count, dark.shape[0])
    x1, y1 = np.zeros(count, int), np.zeros(count, int)
    np.minimum.at(x0, ids, xs)
    np.maximum.at(x1, ids, xs + 1)
    np.minimum.at(y0, ids, ys)
    np.maximum.at(y1, ids, ys + 1)
    marks = [(i, int(x0[i]), int(x1[i]), int(y0[i]), int(y1[i])) for i in range(1, count) if x1[i]]
    return labels, marks


def leads_with_dash(line: np.ndarray) -> bool:
    """Does the line (a cell's text line) start with a minus-like dash? The recogniser drops a
    short dash before one digit ("-1" read "1" at 0.996), so a reading is checked against it.
    Blobs are not grouped here: the dash is often a few pixels from the digit. Ink is what is
    darker than DASH_INK of the way from the paper to the darkest pixel: a light scan's dash is
    as light as 160 where its digit is 120, a blurred one's 155 where its digit is 89 (on paper
    at 226; taken at halfway, 3x2 pixels of it were left)."""
    (paper,) = percentiles(line, (90,))
    count, _, stats, _ = cv2.connectedComponentsWithStats(
        (line < paper - DASH_INK * (paper - int(line.min()))).astype(np.uint8), 8
    )
    blobs = sorted((x, x + w, y, y + h) for x, y, w, h, area in stats[1:count] if area >= 4)
    tall = [b for b in blobs if b[3] - b[2] >= 0.35 * line.shape[0]]
    if len(blobs) < 2 or not tall or blobs[0] in tall:
        return False
    dash, glyph = blobs[0], tall[0]
    return glyph[0] - dash[1] <= 0.6 * (glyph[3] - glyph[2]) and _is_minus(dash, glyph[2:])


def _is_minus(dash: tuple[int, int, int, int], glyph: tuple[int, int]) -> bool:
    """Is `dash` (x0, x1, y0, y1) a flat stroke at the middle height of a glyph spanning rows
    `glyph` (y0, y1)? A speck taken for one makes a cell unsure, never a wrong number."""
    x0, x1, y0, y1 = dash
    top, bottom = glyph
    height, width, thickness = bottom - top, x1 - x0, y1 - y0
    middle = ((y0 + y1) / 2 - top) / max(1, height)
    # At 150-200 dpi, after blur, a hyphen is as short as 6x3 pixels beside a 20-pixel digit.
    flat = width >= 0.2 * height and width >= 1.5 * thickness and thickness <= 0.3 * height
    return flat and 0.3 < middle < 0.75


def _area(box) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])
