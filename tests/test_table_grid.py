"""The ruled grid of a scanned page when a page break has changed its rules: a continuation
printed without its top border, a top rule printed twice, a photographed page."""

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from helpers import SAMPLES

from ocr.preprocess import binarize_lines, flatten
from ocr.table_grid import find_tables, line_masks

# Page 5 of seed 000 starts with the continuation of table 三 (16 rows), then table 四 (3 rows).
PAGE = SAMPLES / "pdf" / "000_de4a6e6b343917dd.wqy-zenhei.pdf", 5
AS_PRINTED = [(16, 10), (3, 15)]


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    pdf = pdfium.PdfDocument(PAGE[0])
    return pdf[PAGE[1] - 1].render(scale=200 / 72, grayscale=True).to_numpy().copy()


def shapes(gray: np.ndarray) -> list[tuple[int, int]]:
    tables = find_tables(binarize_lines(gray)).tables
    return [(max(c.row + c.rowspan for c in t), max(c.col + c.colspan for c in t)) for t in tables]


def first_rule(gray: np.ndarray) -> int:
    horizontal, _ = line_masks(binarize_lines(gray))
    return int(np.flatnonzero((horizontal > 0).sum(axis=1) > 0.3 * gray.shape[1])[0])


def test_the_page_as_printed(page):
    assert shapes(page) == AS_PRINTED


def test_a_continuation_without_its_top_rule_keeps_its_first_row(page):
    top = first_rule(page)
    page = page.copy()
    page[top - 5 : top + 6] = 255
    assert shapes(page) == AS_PRINTED


def test_a_top_rule_printed_twice_is_one_rule(page):
    top = first_rule(page)
    page = page.copy()
    page[top + 7 : top + 10] = np.minimum(page[top + 7 : top + 10], page[top - 1 : top + 2])
    assert shapes(page) == AS_PRINTED


def test_a_photographed_page_is_warped_flat(page):
    """The page on a darker surface, foreshortened by 6° of keystone: flattened, the grid is
    the printed one."""
    h, w = page.shape
    frame = np.full((int(h * 1.3), int(w * 1.4)), 90, np.uint8)
    inset = np.tan(np.radians(6)) * h / 2
    x0, y0 = (frame.shape[1] - w) / 2, (frame.shape[0] - h) / 2
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    shown = np.float32([[x0 + inset, y0], [x0 + w - inset, y0], [x0 + w, y0 + h], [x0, y0 + h]])
    photo = cv2.warpPerspective(
        page,
        cv2.getPerspectiveTransform(corners, shown),
        frame.shape[::-1],
        dst=frame,
        borderMode=cv2.BORDER_TRANSPARENT,
    )
    assert shapes(photo) != AS_PRINTED  # the slanted rules are not read as they are
    flat, rectified = flatten(photo)
    assert rectified
    assert shapes(flat) == AS_PRINTED


def test_a_scan_is_not_taken_for_a_photo(page):
    assert flatten(page) == (page, False)
