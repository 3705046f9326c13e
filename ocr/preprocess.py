"""Page preparation with OpenCV: grayscale, quarter-turn orientation, deskew, binarisation.

Scans arrive skewed by a few degrees, sideways, noisy and JPEG-compressed. Text lines and table
rules are long and horizontal on an upright page, so the page's row-ink profile is sharpest
(highest variance) when it is straight: the skew angle maximises it. A sideways page is told
by which way its text lines run. Telling 0° from 180° needs the recogniser
(see extractors/image.py).

A phone photo shows the page as a bright quadrilateral on a darker surface, foreshortened
(keystone): it is warped flat to a rectangle filling the frame before anything else.
"""

from __future__ import annotations

import cv2
import numpy as np

PROFILE_WIDTH = 1000  # pixels; skew is searched on a downscaled copy
SKEW_RANGE = 5.0  # degrees searched either way
SKEW_STEPS = (0.5, 0.05)  # coarse, then fine
PAGE_AREA = (0.2, 0.97)  # share of the frame a photographed page covers; more is a scan
FRAME_MARGIN = 0.02  # a page whose corners are all this close to the frame's fills it
SURFACE_CONTRAST = 20  # gray levels the surface around a photographed page is below its paper


def reading_dpi(dpi: float) -> float:
    """The resolution to read a scan at: low-resolution scans (150 dpi) are read enlarged to
    300 dpi, where the recogniser reads their small blurred digits better; 200 dpi and up
    read best as they are (measured on the committed scans)."""
    return 300.0 if dpi < 175 else min(dpi, 400.0)


def ink(gray: np.ndarray) -> np.ndarray:
    """Dark pixels as 255 on 0 (Otsu), for measuring layout, not for reading."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return binary


def binarize_lines(gray: np.ndarray) -> np.ndarray:
    """Thin ruling lines survive uneven light and JPEG noise with a local threshold."""
    block = max(15, (min(gray.shape) // 60) | 1)
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )


def _small_ink(gray: np.ndarray, text_only: bool = False) -> np.ndarray:
    scale = PROFILE_WIDTH / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    binary = ink(small)
    if text_only:  # table rules run both ways, so only text tells which way is up
        for size in ((41, 1), (1, 41)):
            rules = cv2.morphologyEx(
                binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size)
            )
            binary = cv2.subtract(binary, rules)
        binary = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # specks
    return binary


def _sharpness(binary: np.ndarray, angle: float) -> float:
    h, w = binary.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(binary, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    return float(np.var(rotated.sum(axis=1, dtype=np.float64)))


def quarter_turns(gray: np.ndarray) -> int:
    """0 or 1: whether the page lies sideways (then it needs a quarter turn).

    Characters in a line sit closer together than lines do, so smearing text along its lines
    joins it into fewer blobs than smearing across them. Rules are removed first, since a
    table's rules run both ways.
    """
    binary = _small_ink(gray, text_only=True)
    along_rows = _blobs(cv2.dilate(binary, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1))))
    along_cols = _blobs(cv2.dilate(binary, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 9))))
    return 1 if along_cols < 0.7 * along_rows else 0


def _blobs(binary: np.ndarray) -> int:
    return cv2.connectedComponents(binary, connectivity=8)[0] - 1


def skew_angle(gray: np.ndarray) -> float:
    """Degrees to rotate (counter-clockwise, OpenCV's sense) to straighten the page."""
    binary = _small_ink(gray)
    best, span = 0.0, SKEW_RANGE
    for step in SKEW_STEPS:
        angles = np.arange(best - span, best + span + step / 2, step)
        best = max(angles, key=lambda a: _sharpness(binary, float(a)))
        span = step
    return float(best)


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 1e-3:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def upright(gray: np.ndarray) -> tuple[np.ndarray, int, float]:
    """The page turned upright (up to 180°, see above) and deskewed, with what was done."""
    turns = quarter_turns(gray)
    if turns:
        gray = np.ascontiguousarray(np.rot90(gray, k=-1))
    angle = skew_angle(gray)
    return rotate(gray, angle), turns, angle


def page_corners(gray: np.ndarray) -> np.ndarray | None:
    """The corners (top-left, top-right, bottom-right, bottom-left; float pixels) of a page
    photographed on a surface, or None when the page fills the frame, as on a scan.

    The page is the largest bright region (a dark desk), or else the largest quadrilateral
    outlined by edges (a light surface, where brightness does not tell the page apart)."""
    scale = PROFILE_WIDTH / max(gray.shape)
    small = cv2.GaussianBlur(
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), (5, 5), 0
    )
    for outline in (_bright_region, _edged_quadrilateral):
        corners = outline(small)
        if (
            corners is not None
            and not _touches_frame(corners, small.shape)
            and _on_a_surface(small, corners)
        ):
            return corners / scale
    return None


def _on_a_surface(small: np.ndarray, corners: np.ndarray) -> bool:
    """Is what lies around the quadrilateral darker than the paper inside it? On a scan the
    outline of a table is a quadrilateral too, with paper all around."""
    inside = np.zeros(small.shape, np.uint8)
    cv2.fillConvexPoly(inside, corners.astype(np.int32), 1)
    paper = float(np.percentile(small[inside == 1], 75))
    around = float(np.median(small[inside == 0]))
    return around < paper - SURFACE_CONTRAST


def _bright_region(small: np.ndarray) -> np.ndarray | None:
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))  # text holes
    return _corners_of_largest(bright, small.size, approximate=False)


def _edged_quadrilateral(small: np.ndarray) -> np.ndarray | None:
    edges = cv2.dilate(cv2.Canny(small, 30, 90), np.ones((3, 3), np.uint8))
    return _corners_of_largest(edges, small.size, approximate=True)


def _corners_of_largest(mask: np.ndarray, area: int, approximate: bool) -> np.ndarray | None:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
        if not PAGE_AREA[0] <= cv2.contourArea(contour) / area <= PAGE_AREA[1]:
            continue
        if approximate:
            hull = cv2.convexHull(contour)
            quad = cv2.approxPolyDP(hull, 0.03 * cv2.arcLength(hull, True), True)
            if len(quad) != 4:
                continue
        points = contour.reshape(-1, 2).astype(np.float32)
        total, diff = points.sum(axis=1), points[:, 0] - points[:, 1]
        return np.array(
            [
                points[total.argmin()],
                points[diff.argmax()],
                points[total.argmax()],
                points[diff.argmin()],
            ]
        )
    return None


def _touches_frame(corners: np.ndarray, shape: tuple[int, ...]) -> bool:
    """A corner on the frame's edge: the page runs out of the picture (or is the picture)."""
    h, w = shape[:2]
    margin = FRAME_MARGIN * max(h, w)
    x, y = corners[:, 0], corners[:, 1]
    return bool(((x <= margin) | (x >= w - margin) | (y <= margin) | (y >= h - margin)).any())


def flatten(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """A photographed page warped flat to a rectangle whose short side is the frame's (the
    scan route takes a frame for an A4 page), and whether it was one."""
    corners = page_corners(gray)
    if corners is None:
        return gray, False
    top, right, bottom, left = (
        float(np.linalg.norm(corners[i] - corners[(i + 1) % 4])) for i in range(4)
    )
    width, height = max(top, bottom), max(left, right)
    fit = min(gray.shape) / min(width, height)
    size = (round(width * fit), round(height * fit))
    target = np.array([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]], np.float32)
    warp = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(gray, warp, size, flags=cv2.INTER_CUBIC, borderValue=255), True
