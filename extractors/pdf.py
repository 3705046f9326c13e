"""Born-digital PDF: the ruled grid from the drawing, cell text from the glyphs. No OCR.

- Reading: PDFium parses every page once, in C (native.py), into the glyphs, text and ruling
  lines pdfplumber would give; pdfminer (Python, several times slower) is not used.
- Routing per page: a page with enough *visible* characters is read here. A page that is only
  an image, or whose text is invisible (render mode 3, an OCR text layer), needs the scan route.
- Grid: pdfplumber's table finder turns the ruling lines and rectangles into cell rectangles
  (only on a page that has ruling lines);
  a merged cell is one big rectangle, so its row/column span is the number of grid lines it
  covers.
- Second opinion: camelot-py lattice with its vector engine (render-free) reads the same
  tables; see second_opinion.py.
- Body text (title, agency, year, restated figures): PDFium's text of the page, less the
  characters inside the tables.
- Tables continued over a page break are separate grids here; the canonical mapping reads rows
  in document order, so they join up there.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from math import ceil
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from pdfplumber.table import TableFinder

from model.grid import Extraction, Grid, GridCell
from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import Limits, check
from model.settings import DEFAULT, ScanSettings

from . import second_opinion
from .errors import UnreadableDocument
from .glyphs import cell_text
from .native import PDFIUM, PageContent, read_page

if TYPE_CHECKING:
    from ocr.reader import PageReading

MIN_VISIBLE_CHARS = 20  # fewer than this on a page: it is a scan (or blank)
EDGE_TOLERANCE = 2.0  # points; cell edges closer than this are the same grid line
ENCRYPTED = "PDF 文件设置了打开密码（已加密），无法读取；请提供未加密的版本。"
DAMAGED = "PDF 文件已损坏，无法读取；请重新导出或重新下载该文件。"


def extract(
    path: Path, scan: ScanSettings = DEFAULT, limits: Limits = DEFAULT_LIMITS
) -> Extraction:
    contents = _read_pages(path, limits)
    grids: list[Grid] = []
    digital: list[Grid] = []
    body: list[str] = []
    scanned: dict[int, int] = {}  # page -> degrees turned
    warnings: list[str] = []
    unsure: list[str] = []  # lines OCR read unsurely
    for number, content in enumerate(contents, start=1):
        if content.visible < MIN_VISIBLE_CHARS:
            reading = _read_scanned_page(
                path, number, content.width, scan.for_page(number), limits, body
            )
            page_grids, page_text, scanned[number] = reading.grids, reading.text, reading.turned
            warnings += reading.warnings
            unsure += reading.unsure_lines
        else:
            page_grids, page_text = _read_page(content, number)
            digital += page_grids
        grids += page_grids
        body.append(page_text)
    heights = {n: c.height for n, c in enumerate(contents, start=1)}
    warnings += second_opinion.compare(path, digital, heights)
    if scanned:
        warnings.append(
            f"第 {'、'.join(map(str, scanned))} 页是扫描图像（或只有不可见的文字层），"
            "已用文字识别（OCR）读取。"
        )
    return Extraction(
        format="pdf",
        body_text="\n".join(body),
        tables=grids,
        pages=len(contents),
        warnings=warnings,
        scanned_pages=scanned,
        unsure_text=unsure,
    )


def _read_pages(path: Path, limits: Limits) -> list[PageContent]:
    """Every page's glyphs, text and ruling lines, read by PDFium in one pass."""
    with PDFIUM:
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as e:
            raise UnreadableDocument(ENCRYPTED if "password" in str(e).lower() else DAMAGED)
        try:
            check(limits, "max_pages", len(document))
            return [read_page(page) for page in document]
        except pdfium.PdfiumError:
            raise UnreadableDocument(DAMAGED)
        finally:
            document.close()


def _read_scanned_page(
    path: Path,
    number: int,
    width_points: float,
    scan: ScanSettings,
    limits: Limits,
    text_before: list[str],
) -> PageReading:
    """Render the page at its scan's own resolution (or the one asked for) and read it with OCR.
    It is read in its red channel, where a red seal is as light as the paper. `text_before`:
    the pages before it, as read (its title lines are read only while no title is found)."""
    from ocr.reader import read_page, reads_title

    with PDFIUM:
        document = pdfium.PdfDocument(str(path))
        try:
            page = document[number - 1]
            dpi = scan.dpi or _scan_dpi(page, width_points)
            width, height = page.get_size()
            check(limits, "max_megapixels", width * height * (dpi / 72) ** 2 / 1e6)
            image = _scan_image(page, dpi)
            if image is None:
                image = page.render(scale=dpi / 72).to_numpy()[..., 2]  # BGR
        finally:
            document.close()
    text = reads_title(number, text_before)
    return read_page(np.ascontiguousarray(image), number, 72 / dpi, settings=scan, text=text)


def _scan_image(page, dpi: float) -> np.ndarray | None:
    """The page's own scanned image, decoded (red channel), when the page is nothing but that
    JPEG, upright, filling the page at `dpi`; None for anything else. Rendering such a page
    gives the same pixels (all 57 such pages of the tune corpus; PDFium resamples 1 page in 20
    whose size in points is a hair off), in 60 ms instead of 20 at 300 dpi."""
    images = list(page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=1))
    if len(images) != 1 or page.get_rotation() or images[0].get_filters() != ["DCTDecode"]:
        return None
    a, b, c, d, e, f = images[0].get_matrix().get()
    width, height = page.get_size()
    px_width, px_height = images[0].get_px_size()
    fills_page = b == c == 0 and max(abs(e), abs(f), abs(a - width), abs(d - height)) < 0.5
    # The size pypdfium2 renders at, to the bit: a page a hair taller than the image is resampled.
    scale = dpi / 72
    at_dpi = (px_width, px_height) == (ceil(width * scale), ceil(height * scale))
    if not (fills_page and at_dpi):
        return None
    pixels = images[0].get_bitmap(render=False).to_numpy()
    return pixels if pixels.ndim == 2 else pixels[..., 2]  # BGR(x)


def _scan_dpi(page, width_points: float) -> float:
    """The resolution of the largest image on the page, as ocr.preprocess.reading_dpi wants it."""
    from ocr.preprocess import reading_dpi

    widths = [
        obj.get_px_size()[0] for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE])
    ]
    return reading_dpi(max(widths) / (width_points / 72) if widths else 300.0)


def _read_page(content: PageContent, number: int) -> tuple[list[Grid], str]:
    tables = TableFinder(content).tables if content.edges else []
    grids = [_grid(t.cells, content.chars, number) for t in tables]
    # Text framed by a box reads as a one-column "table"; it is body text all the same.
    boxes = [t.bbox for t, g in zip(tables, grids) if len({c.col for c in g.cells}) > 1]
    return [g for g in grids if g.cells], _body_text(content, boxes)


def _body_text(content: PageContent, table_boxes: list) -> str:
    """The page's text in PDFium's reading order, without the characters inside the tables."""
    inside = {c["index"] for c in content.chars if any(_inside(c, b) for b in table_boxes)}
    text = "".join(t for i, t in enumerate(content.text) if i not in inside)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _grid(cell_boxes, chars, page_number: int) -> Grid:
    xs = _grid_lines([v for b in cell_boxes for v in (b[0], b[2])])
    ys = _grid_lines([v for b in cell_boxes for v in (b[1], b[3])])
    glyphs = _Glyphs(chars)
    cells = []
    for x0, top, x1, bottom in cell_boxes:
        col, col_end = _index(xs, x0), _index(xs, x1)
        row, row_end = _index(ys, top), _index(ys, bottom)
        cells.append(
            GridCell(
                row=row,
                col=col,
                text=cell_text(glyphs.inside((x0, top, x1, bottom))),
                rowspan=max(1, row_end - row),
                colspan=max(1, col_end - col),
                page=page_number,
                bbox=(x0, top, x1, bottom),
            )
        )
    return Grid(cells)


class _Glyphs:
    """The page's chars in order of their centre's x, so that a cell's chars are found
    without looking at every char of the page."""

    def __init__(self, chars: list[dict]):
        self.chars = sorted(chars, key=_centre_x)
        self.xs = [_centre_x(c) for c in self.chars]

    def inside(self, box) -> list[dict]:
        band = self.chars[bisect_left(self.xs, box[0]) : bisect_right(self.xs, box[2])]
        return sorted((c for c in band if _inside(c, box)), key=lambda c: c["index"])


def _centre_x(obj) -> float:
    return (obj["x0"] + obj["x1"]) / 2


def _grid_lines(values: list[float]) -> list[float]:
    lines: list[float] = []
    for v in sorted(values):
        if not lines or v - lines[-1] > EDGE_TOLERANCE:
            lines.append(v)
    return lines


def _index(lines: list[float], v: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - v))


def _inside(obj, box) -> bool:
    cx, cy = _centre_x(obj), (obj["top"] + obj["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]
