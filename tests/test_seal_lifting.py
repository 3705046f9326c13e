"""A red seal stamped over a table's numbers and scanned in gray is a mid gray, lighter than the
print: it is lifted before the cells are read. Of a seal as dark as the print (a fax's), only
its ring is taken out."""

import cv2
import numpy as np
import pytest
from ruled_page import rendered

from ocr.preprocess import binarize_lines
from ocr.reader import _without_rules, read_page
from ocr.seal import Ring, without_seals
from ocr.table_grid import find_tables

SEAL_GRAY = 0.5  # a red seal scanned in gray darkens what it covers by about half


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return rendered()


def stamped(page: np.ndarray, darkness: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The page with a 42 mm seal (ring, star, a line of its text) multiplied over the numbers
    of table 三's continuation, its star on a cell's "0"; the seal's centre."""
    table = find_tables(binarize_lines(page)).tables[0]
    columns = sorted({c.box[0] for c in table})
    rows = sorted({c.box[1] for c in table})
    middle = len(rows) // 2
    x0, y0, _, y1 = next(c.box for c in table if (c.row, c.col) == (middle, 6))
    centre = (x0 + 25, (y0 + y1) // 2)  # numbers are printed at the left of their cells
    radius = round(21 / 25.4 * 200)
    seal = np.zeros(page.shape, np.uint8)
    cv2.circle(seal, centre, radius, 255, 9)
    points = [
        (centre[0] + r * np.sin(k * np.pi / 5), centre[1] - r * np.cos(k * np.pi / 5))
        for k in range(10)
        for r in [0.32 * radius if k % 2 == 0 else 0.12 * radius]
    ]
    cv2.fillPoly(seal, [np.array(points, np.int32)], 255)  # the star
    name_at = (columns[5] + 5, rows[middle - 2] + 38)  # over a row of numbers
    cv2.putText(seal, "SEAL", name_at, cv2.FONT_HERSHEY_SIMPLEX, 1.2, 255, 3)
    shade = np.where(seal > 0, 1 - darkness, 1.0)
    return (page * shade).astype(np.uint8), centre


def cell_texts(gray: np.ndarray) -> list[tuple[int, int, str]]:
    (table, *_) = read_page(gray, 1, text=False).grids
    return [(c.row, c.col, c.text) for c in table.cells]


def test_a_gray_seal_over_numbers_is_lifted_before_they_are_read(page):
    """The page the cells are cut from has none of the seal's marks left (they darkened 9% of
    its square); the numbers under it read as on the page without it."""
    sealed, (x, y) = stamped(page, SEAL_GRAY)
    clean, _ = _without_rules(page, False)
    sealed_clean, _ = _without_rules(sealed, False)
    reach = round(21 / 25.4 * 200) + 15
    square = (slice(y - reach, y + reach), slice(x - reach, x + reach))
    darkened = sealed_clean[square].astype(int) < clean[square].astype(int) - 60
    assert darkened.mean() < 0.001
    assert cell_texts(sealed) == cell_texts(page)


def lifted(sealed: np.ndarray, ring: Ring) -> np.ndarray:
    return without_seals(sealed, binarize_lines(sealed), [ring])


def test_a_seal_as_dark_as_the_print_loses_its_ring_only(page):
    """A fax's seal is as dark as the print: nothing of it can be told from the print by its
    shade. Its ring, which joins the lines of the cells it crosses into one, is painted paper;
    its star and text are left, and so is everything off the ring."""
    sealed, (x, y) = stamped(page, 0.9)
    radius = round(21 / 25.4 * 200)
    out = lifted(sealed, Ring(x, y, radius))
    ys, xs = np.ogrid[: page.shape[0], : page.shape[1]]
    off_ring = np.abs(np.hypot(xs - x, ys - y) - radius)
    assert (out[off_ring <= 4] >= 200).mean() > 0.99
    assert (sealed[off_ring <= 4] >= 200).mean() < 0.2
    assert np.array_equal(out[off_ring > 8], sealed[off_ring > 8])
    lighter, _ = stamped(page, SEAL_GRAY)
    assert not np.array_equal(lifted(lighter, Ring(x, y, radius)), lighter)
