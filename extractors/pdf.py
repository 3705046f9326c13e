"""Born-digital PDF: the ruled grid from the drawing, cell text from the glyphs. No OCR.

- Routing per page: a page with enough *visible* characters is read here. A page that is only
  an image, or whose text is invisible (render mode 3, an OCR text layer), needs the scan route.
- Grid: pdfplumber's table finder turns the ruling lines and rectangles into cell rectangles;
  a merged cell is one big rectangle, so its row/column span is the number of grid lines it
  covers.
- Second opinion: camelot-py lattice with its vector engine (render-free) reads the same
  tables; see second_opinion.py.
- Tables continued over a page break are separate grids here; the canonical mapping reads rows
  in document order, so they join up there.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError

from model.grid import Extraction, Grid, GridCell, turned_warning
from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import Limits, check
from model.settings import DEFAULT, ScanSettings

from . import second_opinion
from .errors import UnreadableDocument
from .glyphs import cell_text
from .native import PDFIUM

MIN_VISIBLE_CHARS = 20  # fewer than this on a page: it is a scan (or blank)
INVISIBLE_RENDER_MODE = 3
EDGE_TOLERANCE = 2.0  # points; cell edges closer than this are the same grid line


def extract(
    path: Path, scan: ScanSettings = DEFAULT, limits: Limits = DEFAULT_LIMITS
) -> Extraction:
    visible = _visible_char_counts(path)
    check(limits, "max_pages", len(visible))
    try:
        pdf = pdfplumber.open(path)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise UnreadableDocument("PDF 文件设置了打开密码（已加密），无法读取；请提供未加密的版本。")
    except (PDFSyntaxError, ValueError, KeyError, TypeError):
        raise UnreadableDocument("PDF 文件已损坏，无法读取；请重新导出或重新下载该文件。")
    grids: list[Grid] = []
    body: list[str] = []
    scanned: dict[int, int] = {}  # page -> degrees turned
    warnings: list[str] = []
    with pdf:
        digital: list[Grid] = []
        for number, page in enumerate(pdf.pages, start=1):
            if visible[number - 1] < MIN_VISIBLE_CHARS:
                page_grids, page_text, scanned[number] = _read_scanned_page(
                    path, number, page.width, scan.for_page(number), limits
                )
                if scanned[number]:
                    warnings.append(turned_warning(number, scanned[number]))
            else:
                page_grids, page_text = _read_page(page, number)
                digital += page_grids
            grids += page_grids
            body.append(page_text)
        heights = {n: p.height for n, p in enumerate(pdf.pages, start=1)}
        warnings += second_opinion.compare(path, digital, heights)
        pages = len(pdf.pages)
    if scanned:
        warnings.append(
            f"第 {'、'.join(map(str, scanned))} 页是扫描图像（或只有不可见的文字层），"
            "已用文字识别（OCR）读取。"
        )
    return Extraction(
        format="pdf",
        body_text="\n".join(body),
        tables=grids,
        pages=pages,
        warnings=warnings,
        scanned_pages=scanned,
    )


def _read_scanned_page(
    path: Path, number: int, width_points: float, scan: ScanSettings, limits: Limits
) -> tuple[list[Grid], str, int]:
    """Render the page at its scan's own resolution (or the one asked for) and read it with OCR."""
    from ocr.reader import read_page

    with PDFIUM:
        document = pdfium.PdfDocument(str(path))
        try:
            page = document[number - 1]
            dpi = scan.dpi or _scan_dpi(page, width_points)
            width, height = page.get_size()
            check(limits, "max_megapixels", width * height * (dpi / 72) ** 2 / 1e6)
            image = page.render(scale=dpi / 72, grayscale=True).to_numpy()
        finally:
            document.close()
    if image.ndim == 3:
        image = image[..., 0]
    reading = read_page(image, number, bbox_scale=72 / dpi, settings=scan)
    return reading.grids, reading.text, reading.turned


def _scan_dpi(page, width_points: float) -> float:
    """The resolution of the largest image on the page, as ocr.preprocess.reading_dpi wants it."""
    from ocr.preprocess import reading_dpi

    widths = [
        obj.get_px_size()[0] for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE])
    ]
    return reading_dpi(max(widths) / (width_points / 72) if widths else 300.0)


def _visible_char_counts(path: Path) -> list[int]:
    """Per page, the characters a reader sees (render mode 3 is invisible: an OCR layer)."""
    with PDFIUM:
        return _count_visible_chars(path)


def _count_visible_chars(path: Path) -> list[int]:
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise UnreadableDocument(
                "PDF 文件设置了打开密码（已加密），无法读取；请提供未加密的版本。"
            )
        raise UnreadableDocument("PDF 文件已损坏，无法读取；请重新导出或重新下载该文件。")
    counts = []
    try:
        for page in document:
            textpage = page.get_textpage()
            seen = 0
            for i in range(textpage.count_chars()):
                obj = pdfium_raw.FPDFText_GetTextObject(textpage.raw, i)
                if obj and pdfium_raw.FPDFTextObj_GetTextRenderMode(obj) == INVISIBLE_RENDER_MODE:
                    continue
                seen += not textpage.get_text_range(i, 1).isspace()
            counts.append(seen)
    finally:
        document.close()
    return counts


def _read_page(page, number: int) -> tuple[list[Grid], str]:
    tables = page.find_tables()
    grids = [_grid(t.cells, page.chars, number) for t in tables]
    # Text framed by a box reads as a one-column "table"; it is body text all the same.
    boxes = [t.bbox for t, g in zip(tables, grids) if len({c.col for c in g.cells}) > 1]
    outside = page.filter(
        lambda obj: obj.get("object_type") != "char" or not any(_inside(obj, b) for b in boxes)
    )
    return [g for g in grids if g.cells], outside.extract_text() or ""


def _grid(cell_boxes, chars, page_number: int) -> Grid:
    xs = _grid_lines([v for b in cell_boxes for v in (b[0], b[2])])
    ys = _grid_lines([v for b in cell_boxes for v in (b[1], b[3])])
    cells = []
    for x0, top, x1, bottom in cell_boxes:
        col, col_end = _index(xs, x0), _index(xs, x1)
        row, row_end = _index(ys, top), _index(ys, bottom)
        inside = [c for c in chars if _inside(c, (x0, top, x1, bottom))]
        cells.append(
            GridCell(
                row=row,
                col=col,
                text=cell_text(inside),
                rowspan=max(1, row_end - row),
                colspan=max(1, col_end - col),
                page=page_number,
                bbox=(x0, top, x1, bottom),
            )
        )
    return Grid(cells)


def _grid_lines(values: list[float]) -> list[float]:
    lines: list[float] = []
    for v in sorted(values):
        if not lines or v - lines[-1] > EDGE_TOLERANCE:
            lines.append(v)
    return lines


def _index(lines: list[float], v: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - v))


def _inside(obj, box) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]
