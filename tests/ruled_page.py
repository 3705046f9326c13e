"""A page with ruled tables to bend, cut and photograph (tests of ocr.table_grid, ocr.dewarp):
page 5 of seed 000 starts with the continuation of table 三 (16 rows), then table 四 (3 rows)."""

import cv2
import numpy as np
import pypdfium2 as pdfium
from helpers import SAMPLES

from ocr.preprocess import binarize_lines
from ocr.table_grid import find_tables

PAGE = SAMPLES / "pdf" / "000_de4a6e6b343917dd.wqy-zenhei.pdf", 5
AS_PRINTED = [(16, 10), (3, 15)]  # (rows, columns) of each table found


def rendered() -> np.ndarray:
    pdf = pdfium.PdfDocument(PAGE[0])
    return pdf[PAGE[1] - 1].render(scale=200 / 72, grayscale=True).to_numpy().copy()


def shapes(gray: np.ndarray) -> list[tuple[int, int]]:
    tables = find_tables(binarize_lines(gray)).tables
    return [(max(c.row + c.rowspan for c in t), max(c.col + c.colspan for c in t)) for t in tables]


def photographed(page: np.ndarray, keystone: float = 6.0, surface: int = 90) -> np.ndarray:
    """The page on a surface of gray `surface`, foreshortened by `keystone` degrees."""
    h, w = page.shape
    frame = np.full((int(h * 1.3), int(w * 1.4)), surface, np.uint8)
    inset = np.tan(np.radians(keystone)) * h / 2
    x0, y0 = (frame.shape[1] - w) / 2, (frame.shape[0] - h) / 2
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    shown = np.float32([[x0 + inset, y0], [x0 + w - inset, y0], [x0 + w, y0 + h], [x0, y0 + h]])
    return cv2.warpPerspective(
        page,
        cv2.getPerspectiveTransform(corners, shown),
        frame.shape[::-1],
        dst=frame,
        borderMode=cv2.BORDER_TRANSPARENT,
    )
