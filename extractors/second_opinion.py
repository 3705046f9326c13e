"""camelot-py (lattice, vector engine: reads the PDF's ruling lines, renders nothing) as a
second reader of the numbers pdfplumber found.

camelot's reading is verified per table before it counts. On LibreOffice/Noto PDFs camelot
2.0 places text one row low (tall CJK glyph boxes) and splits rows. So the row offset that
makes the two agree best is used, and a table where they still disagree on more than a few
numbers is not used as evidence at all: its numbers stay pdfplumber's alone.
A number both readers agree on keeps its confidence; one they disagree on is flagged.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from model.grid import Grid, GridCell
from model.report import Flag
from model.text import compact

from .native import PDFIUM

DISAGREE_CONFIDENCE = 0.5
UNVERIFIED_CONFIDENCE = 0.995  # glyph text read by pdfplumber alone: exact, but unconfirmed
TRUSTED_AGREEMENT = 0.95  # camelot must agree on this share of a table's numbers to count
# pdfminer's layout analysis without grouping text boxes into a reading order (boxes_flow):
# camelot reads text lines only, so its tables come out the same, in half the time.
CHEAP_LAYOUT = {"boxes_flow": None}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

log = logging.getLogger(__name__)


def _compact(text: str) -> str:
    return compact(text)


def compare(path: Path, grids: list[Grid], page_heights: dict[int, float]) -> list[str]:
    numbered = [(g, [c for c in g.cells if _NUMBER.fullmatch(_compact(c.text))]) for g in grids]
    numbered = [(g, cells) for g, cells in numbered if cells]
    if not numbered:
        return []
    pages = sorted({cells[0].page for _, cells in numbered})
    try:
        import camelot

        with PDFIUM:
            tables = camelot.read_pdf(
                str(path),
                pages=",".join(map(str, pages)),
                flavor="lattice",
                engine="vector",
                layout_kwargs=CHEAP_LAYOUT,
            )
    except Exception as e:  # the second opinion is optional; the first reading stands
        log.warning("camelot failed on %s: %s", path, e)
        tables = []
    unverified: set[int] = set()
    centres = {page: _centres(tables, page) for page in pages}
    for _grid, cells in numbered:
        page = cells[0].page
        located = [(c, _locate(c, centres[page], page_heights[page])) for c in cells]
        offset, agreement = _best_offset(located)
        if agreement < TRUSTED_AGREEMENT:
            unverified.add(page)
            for cell in cells:
                cell.confidence = min(cell.confidence, UNVERIFIED_CONFIDENCE)
            continue
        if offset:
            log.info("camelot text %+d row(s) off on page %d; realigned", offset, page)
        for cell, where in located:
            if _text_at(where, offset) != _compact(cell.text):
                cell.confidence = min(cell.confidence, DISAGREE_CONFIDENCE)
                cell.flags.append(Flag.SECOND_OPINION_DIFFERS)
    if not unverified:
        return []
    return [
        f"第 {'、'.join(map(str, sorted(unverified)))} 页的表格未能由第二读取器（camelot）复核"
        "（两者读出的表格位置对不上），这些数字只由 pdfplumber 读取。"
    ]


def _centres(tables, page: int) -> list[tuple]:
    """(x, y, table, row, col) of every camelot cell on the page, its centre first."""
    return [
        ((tc.x1 + tc.x2) / 2, (tc.y1 + tc.y2) / 2, table, r, c)
        for table in tables
        if int(table.page) == page
        for r, row in enumerate(table.cells)
        for c, tc in enumerate(row)
    ]


def _locate(cell: GridCell, centres: list[tuple], height: float) -> list[tuple]:
    """The camelot cells (table, row, col) whose centres lie in `cell`: one, or several when
    camelot did not see a merge."""
    x0, top, x1, bottom = cell.bbox
    y0, y1 = height - bottom, height - top  # camelot's y axis points up
    return [(t, r, c) for x, y, t, r, c in centres if x0 <= x <= x1 and y0 <= y <= y1]


def _text_at(where: list[tuple], offset: int) -> str | None:
    if not where:
        return None
    texts = []
    for table, r, c in where:
        if not 0 <= r + offset < len(table.cells):
            return None
        texts.append(table.cells[r + offset][c].text)
    return _compact("".join(texts))


def _best_offset(located) -> tuple[int, float]:
    best = (0, 0.0)
    for offset in (0, 1, -1):
        agree = sum(_text_at(w, offset) == _compact(c.text) for c, w in located)
        share = agree / len(located)
        if share > best[1]:
            best = (offset, share)
    return best
