"""Word .docx: the true table grid, read from the XML.

python-docx's `row.cells` repeats a merged cell once per grid column it covers, so it cannot
tell a merge from equal neighbours. We walk the `w:tc` elements ourselves and honour
`w:gridBefore` (skipped leading columns), `w:gridSpan` (horizontal merge) and
`w:vMerge` continue (vertical merge: extends the cell above).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn
from lxml import etree

from model.grid import Extraction, Grid, GridCell
from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import Limits, check
from model.settings import DEFAULT, ScanSettings

from .errors import UnreadableDocument


def extract(
    path: Path, scan: ScanSettings = DEFAULT, limits: Limits = DEFAULT_LIMITS
) -> Extraction:
    _check_parts(path, limits)
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError) as e:
        raise UnreadableDocument(
            f"Word 文件已损坏，无法打开（{type(e).__name__}），请重新导出该文件。"
        )
    body: list[str] = []
    tables: list[Grid] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            body.append(_text(element))
        elif element.tag == qn("w:tbl"):
            tables.append(read_table(element, limits))
    return Extraction(
        format="docx", body_text="\n".join(body), tables=tables, pages=_page_count(path)
    )


def _check_parts(path: Path, limits: Limits) -> None:
    """A zip bomb is refused before anything is decompressed: by the sizes its directory
    declares (the reader stops at the declared size, so a lie cannot get past it)."""
    try:
        with zipfile.ZipFile(path) as z:
            largest = max((info.file_size for info in z.infolist()), default=0)
    except (zipfile.BadZipFile, OSError):
        return  # docx.Document says it is damaged, in the clerk's words
    check(limits, "max_part_mb", largest / 1e6)


def read_table(tbl, limits: Limits = DEFAULT_LIMITS) -> Grid:
    cells: list[GridCell] = []
    positions = 0  # grid positions so far, a merged cell counting each one it covers
    open_above: dict[int, GridCell] = {}  # grid column -> cell a vMerge continue extends
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        col = max(0, _int_prop(tr.find(qn("w:trPr")), "w:gridBefore", 0))
        positions += col  # skipped columns are grid positions too (gridBefore 2e9)
        check(limits, "max_cells", positions)
        for tc in tr.iterchildren(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            span = max(1, _int_prop(tc_pr, "w:gridSpan", 1))
            positions += span
            check(limits, "max_cells", positions)
            v_merge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
            if (
                v_merge is not None
                and v_merge.get(qn("w:val")) in (None, "continue")
                and col in open_above
            ):
                above = open_above[col]
                above.rowspan = r - above.row + 1
            else:
                cell = GridCell(row=r, col=col, text=_cell_text(tc), colspan=span)
                cells.append(cell)
                for c in range(col, col + span):
                    open_above[c] = cell
            col += span
    return Grid(cells)


def _cell_text(tc) -> str:
    # Paragraphs are lines; nested tables are not part of this cell's own text.
    return "\n".join(_text(p) for p in tc.iterchildren(qn("w:p")))


def _text(p) -> str:
    parts = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        parts.append(
            node.text or "" if node.tag == qn("w:t") else "\t" if node.tag == qn("w:tab") else "\n"
        )
    return "".join(parts)


def _int_prop(parent, tag: str, default: int) -> int:
    if parent is None:
        return default
    node = parent.find(qn(tag))
    if node is None:
        return default
    try:
        return int(node.get(qn("w:val")))
    except (TypeError, ValueError):
        return default


def _page_count(path: Path) -> int | None:
    """The page count Word recorded when it last laid the file out; absent in many files."""
    try:
        with zipfile.ZipFile(path) as z:
            app = etree.fromstring(z.read("docProps/app.xml"))
    except (KeyError, etree.XMLSyntaxError):
        return None
    pages = app.find(
        "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Pages"
    )
    text = (pages.text or "") if pages is not None else ""
    return int(text) if text.isdigit() and len(text) <= 6 else None  # a real count, not 5000 digits
