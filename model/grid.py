"""The common result of every extractor: a document's body text and its tables as cell grids.

Every input kind (text, DOCX, PDF, image) ends here, so everything downstream (mapping to the
canonical tables, checks, writers) is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .report import Flag


@dataclass
class GridCell:
    row: int  # top grid row, 0-based
    col: int  # left grid column, 0-based
    text: str
    rowspan: int = 1
    colspan: int = 1
    confidence: float = 1.0  # probability the text is read right (1.0 for digital text)
    page: int | None = None  # 1-based page the cell is drawn on
    bbox: tuple[float, float, float, float] | None = None  # PDF points, or pixels on images
    flags: list[Flag] = field(default_factory=list)  # what the extractor doubts about the cell
    alternatives: list[tuple[str, float]] = field(
        default_factory=list
    )  # other (text, confidence) readings


@dataclass
class Grid:
    """One table as laid out in the document, merged cells kept as spans."""

    cells: list[GridCell]

    def rows(self) -> list[list[GridCell]]:
        """Cells that start in each grid row, left to right (covered positions are absent)."""
        by_row: dict[int, list[GridCell]] = {}
        for cell in self.cells:
            by_row.setdefault(cell.row, []).append(cell)
        return [sorted(by_row[r], key=lambda c: c.col) for r in sorted(by_row)]


def turned_warning(page: int, degrees: int) -> str:
    return f"第 {page} 页是倒置或横置的，已旋转 {degrees}° 后识别。"


def rectified_warning(page: int) -> str:
    return f"第 {page} 页是拍摄的照片，已校正透视后识别（单元格位置是校正后页面上的坐标）。"


@dataclass
class Extraction:
    format: str  # text | docx | pdf | image
    body_text: str  # text outside the tables, in reading order
    tables: list[Grid] = field(default_factory=list)
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    # Pages read by OCR -> degrees each was turned to be upright (its cells' bboxes are on the
    # upright, deskewed page).
    scanned_pages: dict[int, int] = field(default_factory=dict)
    unsure_text: list[str] = field(default_factory=list)  # lines of body_text OCR was unsure of
