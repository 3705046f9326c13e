"""A red seal stamped over a table's numbers and scanned in gray is a mid gray, lighter than the
print: it is lifted before the cells are read. A seal as dark as the print (a fax's) is not."""

import cv2
import numpy as np
import pytest
from ruled_page import rendered

from ocr.preprocess import binarize_lines
from ocr.reader import read_page
from ocr.seal import Ring, without_light_seals
from ocr.table_grid import find_tables

SEAL_GRAY = 0.5  # a red seal scanned in gray darkens what it covers by about half


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return rendered()


def stamped(page: np.ndarray, darkness: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The page with a 42 mm seal (ring, star, a line of its text) multiplied over the numbers
    of table 三's continuation; the seal's centre."""
    table = find_tables(binarize_lines(page)).tables[0]
    columns = sorted({c.box[0] for c in table})
    rows = sorted({c.box[1] for c in table})
    radius = round(21 / 25.4 * 200)
    centre = (columns[6], rows[len(rows) // 2])
    seal = np.zeros(page.shape, np.uint8)
    cv2.circle(seal, centre, radius, 255, 9)
    cv2.circle(seal, centre, radius // 3, 255, -1)  # the star
    cv2.putText(
        seal, "SEAL", (centre[0] - radius // 2, centre[1] - radius // 2), 0, 3, 255, 8
    )  # the agency's name on the arc
    shade = np.where(seal > 0, 1 - darkness, 1.0)
    return (page * shade).astype(np.uint8), centre


def cell_texts(gray: np.ndarray) -> list[tuple[int, int, str]]:
    (table, *_) = read_page(gray, 1, text=False).grids
    return [(c.row, c.col, c.text) for c in table.cells]


def test_a_gray_seal_over_numbers_is_lifted_before_they_are_read(page):
    sealed, _ = stamped(page, SEAL_GRAY)
    assert cell_texts(sealed) == cell_texts(page)


def test_a_seal_as_dark_as_the_print_is_left(page):
    sealed, (x, y) = stamped(page, 0.9)
    binary = binarize_lines(sealed)
    ring = Ring(x, y, round(21 / 25.4 * 200))
    assert np.array_equal(without_light_seals(sealed, binary, [ring]), sealed)
    lighter, _ = stamped(page, SEAL_GRAY)
    assert not np.array_equal(
        without_light_seals(lighter, binarize_lines(lighter), [ring]), lighter
    )
