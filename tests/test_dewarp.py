"""A photographed page whose paper curls or whose lens bows its lines (ocr.dewarp), and the
outline of a photographed page under a shadow (ocr.preprocess.page_corners)."""

import cv2
import numpy as np
import pytest
from helpers import FIXTURES
from ruled_page import AS_PRINTED, photographed, rendered, shapes

from ocr import dewarp as dw
from ocr.preprocess import flatten, page_corners


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return rendered()


def curled(gray: np.ndarray, lift: float, barrel: float) -> np.ndarray:
    """The page with its right edge lifted by `lift` of its height (the last 20 % of the width
    bends, as scripts/make_scan_corpus.py draws it) and a barrel distortion."""
    h, w = gray.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = xs / w - 0.5, ys / h - 0.5
    r2 = u * u + v * v
    t = np.clip(u * 2 - 0.6, 0, None) / 0.4
    map_x = (u * (1 + barrel * r2) + 0.5) * w
    map_y = (v * (1 + barrel * r2) + 0.5) * h + lift * h * t**2 * v * 2
    return cv2.remap(gray, map_x, map_y, cv2.INTER_LINEAR, borderValue=255)


def straightened(gray: np.ndarray) -> tuple:
    """A flat page's rules straightened (ocr.dewarp.unbend with no keystone to undo)."""
    return dw.unbend(gray, np.eye(3), (gray.shape[1], gray.shape[0]))


def bend_of_rules(gray: np.ndarray) -> float:
    """Pixels (of `gray`) the most bent long row rule strays from its median height."""
    scale = dw.WORK_SIDE / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    rules = [r for r in dw._rules(dw._line_ink(small)) if r[-1, 0] - r[0, 0] > 0.5 * small.shape[1]]
    assert len(rules) >= 10
    return max(float(np.abs(r[:, 1] - np.median(r[:, 1])).max()) for r in rules) / scale


def test_a_curled_page_gets_its_rows_back(page):
    # Bent, table 四 lost its bent right border until side borders were put back where the row
    # rules end (table_grid._closed); the rules' bend is what is measured now.
    bent = curled(page, lift=0.02, barrel=0.02)
    assert bend_of_rules(bent) > 10

    flat, shift = straightened(bent)
    assert shift > 8
    assert bend_of_rules(flat) < 2.5
    assert shapes(flat) == AS_PRINTED


def test_a_curled_photo_is_flattened_and_unbent_in_one(page):
    """Keystone (6°) and curl together: flatten warps and straightens in one remap."""
    bent = curled(page, lift=0.02, barrel=0.02)
    h = bent.shape[0]
    photo = photographed(bent)
    flat, rectified = flatten(photo)
    assert rectified
    assert bend_of_rules(flat) < 2.5 * flat.shape[0] / h  # flatten enlarges it to the frame
    assert shapes(flat) == AS_PRINTED


def test_a_flat_page_is_left_as_it_is(page):
    assert straightened(page) == (None, 0.0)


def test_a_page_without_rules_is_left_as_it_is():
    blank = np.full((1200, 850), 245, np.uint8)
    cv2.putText(blank, "no rules here", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 2, 0, 3)
    assert straightened(blank) == (None, 0.0)


def test_a_shadow_across_a_corner_keeps_the_page_outline(page):
    """A dark shadow over the page's bottom-left corner makes that corner as dark as the desk
    beyond it; the corners still come from the page's straight edges."""
    h, w = page.shape
    frame = np.full((int(h * 1.2), int(w * 1.2)), 150, np.uint8)
    x0, y0 = (frame.shape[1] - w) // 2, (frame.shape[0] - h) // 2
    frame[y0 : y0 + h, x0 : x0 + w] = np.maximum(page, 235)  # paper, the print left out
    light = np.ones(frame.shape, np.float32)
    shadow = np.array([[0, frame.shape[0] * 0.55], [w * 0.55, frame.shape[0]], [0, frame.shape[0]]])
    cv2.fillPoly(light, [shadow.astype(np.int32)], 0.45)
    photo = (frame * cv2.GaussianBlur(light, (0, 0), 40)).astype(np.uint8)

    corners = page_corners(photo)
    expected = np.float32([[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h]])
    assert corners is not None
    assert np.abs(corners - expected).max() < 0.01 * max(h, w)


def test_a_page_whose_corner_the_photo_cut_off_keeps_its_outline(page):
    """The page, turned 3°, has its top-left corner just outside the picture: the two edges
    that meet there still show, and the page is outlined (a corner 1.6 px inside the frame was
    refused, and its page of table 三 was read unrectified)."""
    h, w = page.shape
    frame = np.full((int(h * 1.12), int(w * 1.12)), 120, np.uint8)
    paper = np.maximum(page, 235)  # the print left out
    turn = cv2.getRotationMatrix2D((0, 0), -3.0, 1.0)  # clockwise: the top-left is the highest
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]]) @ turn[:, :2].T
    turn[:, 2] = [20 - corners[3, 0], -8]  # that corner 8 px out, the bottom-left 20 px in
    expected = corners + turn[:, 2]
    photo = cv2.warpAffine(
        paper, turn, frame.shape[::-1], dst=frame, borderMode=cv2.BORDER_TRANSPARENT
    )
    assert expected[0, 1] < 0 and (expected[1:] > 0).all()
    assert (expected[:, 0] < frame.shape[1]).all() and (expected[:, 1] < frame.shape[0]).all()
    found = page_corners(photo)
    assert found is not None
    assert np.abs(found - expected).max() < 0.01 * max(h, w)


def test_a_table_is_not_taken_for_a_page_whose_edge_the_shadow_hid():
    """A real photo (tests/fixtures/README.md) whose page's right edge is as gray as the desk
    beside it: the page's outline is not found, and table 三's outline, paper on both its sides,
    must not be taken for it (it was, and table 二's end above it was cut away). The page is
    read as it lies, its shadow evened out."""
    photo = cv2.imread(str(FIXTURES / "photo_edge_in_shadow_p4.jpg"), cv2.IMREAD_GRAYSCALE)
    assert page_corners(photo) is None
    lit, rectified = flatten(photo)
    assert not rectified
    paper = cv2.morphologyEx(lit, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    shadow, bright = (slice(800, 860), slice(500, 600)), (slice(100, 200), slice(200, 300))
    assert abs(float(np.median(paper[shadow])) - float(np.median(paper[bright]))) < 20
    assert float(np.median(photo[shadow])) < float(np.median(photo[bright])) - 50
