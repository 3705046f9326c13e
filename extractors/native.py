"""PDFium (pypdfium2), the native PDF library: its lock, and what a page draws.

PDFium crashes the process when two threads use it at once; documents may run in parallel
threads (a Dask worker), so every PDFium call holds PDFIUM.

PDFium parses a page in C, several times faster than pdfminer in Python. `read_page` gives
the page as pdfplumber would, for pdfplumber's table finder and the glyph reader:

- `chars`: the glyphs drawn, as pdfplumber's chars (text, x0, x1, top, bottom, size), on a
  page with ruling lines (elsewhere no table needs them);
- `edges`: the horizontal and vertical segments of every path, as pdfplumber's edges;
- `text`: the page's text in PDFium's reading order, one string per character index, with the
  spaces and line breaks PDFium adds (`chars[i]["index"]` points into it).

Coordinates are pdfplumber's: PDF points, origin top-left of the page as displayed (its
/Rotate applied), rounded to 0.001 pt, since PDFium keeps them as 32-bit floats.
"""

from __future__ import annotations

import ctypes
import math
import threading
from dataclasses import dataclass

import pypdfium2.raw as pdfium_raw

PDFIUM = threading.RLock()

INVISIBLE_RENDER_MODE = 3  # text drawn as nothing: an OCR layer over a scan
PRECISION = 3  # decimals kept of a coordinate

Matrix = tuple[float, float, float, float, float, float]


@dataclass
class PageContent:
    width: float
    height: float
    chars: list[dict]
    edges: list[dict]
    text: list[str]
    visible: int  # characters a reader sees: not blank, not invisible

    @property
    def bbox(self) -> tuple[float, float, float, float]:  # so that TableFinder takes it for a page
        return (0, 0, self.width, self.height)


def read_page(page) -> PageContent:
    """`page` is a pypdfium2 PdfPage; call it holding PDFIUM."""
    display, width, height = _display_matrix(page)
    edges = _edges(page.raw, display)
    textpage = page.get_textpage()
    try:
        # Without ruling lines there is no table, and no glyph's place is needed.
        chars, text, visible = _chars(textpage.raw, display if edges else None)
    finally:
        textpage.close()
    return PageContent(width, height, chars, edges, text, visible)


def _display_matrix(page) -> tuple[Matrix, float, float]:
    """PDF user space → pdfplumber's page coordinates (x, top): pdfminer's rotation of the
    MediaBox, then pdfplumber's flip and MediaBox offset."""
    x0, y0, x1, y1 = (round(v, PRECISION) for v in page.get_mediabox())
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    rotation = page.get_rotation() % 360
    a, b, c, d, e, f = {
        90: (0, -1, 1, 0, -y0, x1),
        180: (-1, 0, 0, -1, x1, y1),
        270: (0, 1, -1, 0, y1, -x0),
    }.get(rotation, (1, 0, 0, 1, -x0, -y0))
    if rotation in (90, 270):
        x0, y0, x1, y1 = y0, x0, y1, x1
    width, height = x1 - x0, y1 - y0
    # x = a·px + c·py + e + x0;  top = height − (b·px + d·py + f) − y0
    return (a, -b, c, -d, e + x0, height - f - y0), width, height


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (
        round(m[0] * x + m[2] * y + m[4], PRECISION),
        round(m[1] * x + m[3] * y + m[5], PRECISION),
    )


def _then(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix applying `inner`, then `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def _chars(textpage, display: Matrix | None) -> tuple[list[dict], list[str], int]:
    """The glyphs drawn (placed by `display`; none without it), the text, the visible count."""
    chars, text, visible = [], [], 0
    for i in range(pdfium_raw.FPDFText_CountChars(textpage)):
        glyph = chr(pdfium_raw.FPDFText_GetUnicode(textpage, i))
        text.append(glyph)
        if pdfium_raw.FPDFText_IsGenerated(textpage, i):
            continue  # a space or line break PDFium inferred; nothing is drawn
        obj = pdfium_raw.FPDFText_GetTextObject(textpage, i)
        invisible = obj and pdfium_raw.FPDFTextObj_GetTextRenderMode(obj) == INVISIBLE_RENDER_MODE
        visible += not invisible and not glyph.isspace()
        if display:
            chars.append({"text": glyph, "index": i, **_char_box(textpage, i, display)})
    return chars, text, visible


def _char_box(textpage, i: int, display: Matrix) -> dict:
    """pdfplumber's box and size of char i: the advance width by the font's height."""
    m = pdfium_raw.FS_MATRIX()
    pdfium_raw.FPDFText_GetMatrix(textpage, i, m)
    size = pdfium_raw.FPDFText_GetFontSize(textpage, i) * math.hypot(m.c, m.d)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    pdfium_raw.FPDFText_GetCharOrigin(textpage, i, ox, oy)
    if abs(ox.value - m.e) + abs(oy.value - m.f) > 0.01:
        # Vertical writing (the glyph is displaced from the text position): PDFium's loose box
        # is not scaled there. Full-width glyphs one em square from the origin, as pdfminer has.
        left, bottom, right, top = ox.value, oy.value, ox.value + size, oy.value + size
    else:
        box = pdfium_raw.FS_RECTF()
        pdfium_raw.FPDFText_GetLooseCharBox(textpage, i, box)
        left, bottom, right, top = box.left, box.bottom, box.right, box.top
    (xa, ya), (xb, yb) = _apply(display, left, top), _apply(display, right, bottom)
    return {
        "x0": min(xa, xb),
        "x1": max(xa, xb),
        "top": min(ya, yb),
        "bottom": max(ya, yb),
        "size": size,
    }


def _edges(page, display: Matrix) -> list[dict]:
    segments: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for i in range(pdfium_raw.FPDFPage_CountObjects(page)):
        _path_segments(pdfium_raw.FPDFPage_GetObject(page, i), display, segments)
    return [edge for p, q in segments if (edge := _edge(p, q))]


def _path_segments(obj, outer: Matrix, out: list) -> None:
    """The straight segments of a path object, or of the paths inside a form XObject
    (pdfminer's curves: consecutive points, Bézier control points included)."""
    kind = pdfium_raw.FPDFPageObj_GetType(obj)
    if kind not in (pdfium_raw.FPDF_PAGEOBJ_PATH, pdfium_raw.FPDF_PAGEOBJ_FORM):
        return
    m = pdfium_raw.FS_MATRIX()
    pdfium_raw.FPDFPageObj_GetMatrix(obj, m)
    matrix = _then((m.a, m.b, m.c, m.d, m.e, m.f), outer)
    if kind == pdfium_raw.FPDF_PAGEOBJ_FORM:
        for i in range(pdfium_raw.FPDFFormObj_CountObjects(obj)):
            _path_segments(pdfium_raw.FPDFFormObj_GetObject(obj, i), matrix, out)
        return
    x, y = ctypes.c_float(), ctypes.c_float()
    start = previous = None
    for i in range(pdfium_raw.FPDFPath_CountSegments(obj)):
        segment = pdfium_raw.FPDFPath_GetPathSegment(obj, i)
        pdfium_raw.FPDFPathSegment_GetPoint(segment, x, y)
        point = _apply(matrix, x.value, y.value)
        if pdfium_raw.FPDFPathSegment_GetType(segment) == pdfium_raw.FPDF_SEGMENT_MOVETO:
            start = point
        elif previous is not None:
            out.append((previous, point))
        previous = point
        if pdfium_raw.FPDFPathSegment_GetClose(segment) and start not in (None, point):
            out.append((point, start))
            previous = start


def _edge(p: tuple[float, float], q: tuple[float, float]) -> dict | None:
    """pdfplumber's edge for a segment; None for a slanted one, which no table finder uses."""
    if p[0] == q[0]:
        orientation = "v"
    elif p[1] == q[1]:
        orientation = "h"
    else:
        return None
    return {
        "object_type": "curve_edge",
        "orientation": orientation,
        "x0": min(p[0], q[0]),
        "x1": max(p[0], q[0]),
        "top": min(p[1], q[1]),
        "doctop": min(p[1], q[1]),  # pdfplumber moves it along when it joins edges
        "bottom": max(p[1], q[1]),
        "width": abs(p[0] - q[0]),
        "height": abs(p[1] - q[1]),
    }
