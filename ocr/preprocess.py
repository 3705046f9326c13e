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

from .dewarp import unbend

LIGHT_REACH = 15  # pixels of the eighth-size copy closed over: wider than a character, a rule
# Gray levels between the paper's lightest and darkest twentieth (see _paper_light) on a page
# whose outline was not found: from here it is evenly lit. A photo whose page edge was lost
# under a shadow measured 117 and 65; the scans of two draws 0-35 (faint ones the most).
SHADED = 50
PROFILE_WIDTH = 1000  # pixels; skew is searched on a downscaled copy
SKEW_RANGE = 5.0  # degrees searched either way
SKEW_STEPS = (0.5, 0.05)  # coarse, then fine
PAGE_AREA = (0.2, 0.97)  # share of the frame a photographed page covers; more is a scan
FRAME_MARGIN = 0.02  # a page whose corners are all this close to the frame's fills it
SURFACE_CONTRAST = 20  # gray levels the surface around a photographed page is below its paper
SURFACE_REACH = 6  # pixels (of the PROFILE_WIDTH copy) either side of an edge compared
EDGE_SAMPLES = 50  # points compared along each edge
# A table's outline in a photo (see keystoned_table): the tables of a tune draw's photos had
# opposite sides converging by 1.0-11°; a scan's table outline on ink by 0.2° at most.
KEYSTONE = 1.0  # degrees
RULED = 0.9  # share of each side of the outline on ink
RULE_REACH = 3  # pixels (of the PROFILE_WIDTH copy) a side may lie off its rule
TABLE_AREA = (0.1, PAGE_AREA[1])  # share of the frame the table covers
# Blobs of text smeared down its columns per blob smeared along its rows (see _quarter_turns):
# upright pages of two tune draws measured 0.85-19, sideways ones 0.07-0.79 (a landscape page
# of table 四 and the end of 三, its headers a character a line).
SIDEWAYS = 0.7  # below this, the page lies sideways
UNCLEAR_TURN = (0.5, 1.2)  # between these, the recogniser is asked too


def reading_dpi(dpi: float) -> float:
    """The resolution to read a scan at: low-resolution scans (150 dpi) are read enlarged to
    300 dpi, where the recogniser reads their small blurred digits better; 200 dpi and up
    read best as they are (measured on the committed scans)."""
    return 300.0 if dpi < 175 else min(dpi, 400.0)


def ink(gray: np.ndarray) -> np.ndarray:
    """Dark pixels as 255 on 0, for measuring layout, not for reading. The threshold is local:
    with one threshold for the page (Otsu), a photo's shadow was all ink and the text in it
    none, and a sideways cover page was not turned."""
    block = max(15, (min(gray.shape) // 30) | 1)
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )


def binarize_lines(gray: np.ndarray) -> np.ndarray:
    """Thin ruling lines survive uneven light and JPEG noise with a local threshold."""
    block = max(15, (min(gray.shape) // 60) | 1)
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )


def _small_ink(gray: np.ndarray) -> np.ndarray:
    scale = PROFILE_WIDTH / max(gray.shape)
    return ink(cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))


def _text_only(binary: np.ndarray) -> np.ndarray:
    """Ink less its rules (table rules run both ways, so only text tells which way is up) and
    specks."""
    for size in ((41, 1), (1, 41)):
        rules = cv2.morphologyEx(
            binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size)
        )
        binary = cv2.subtract(binary, rules)
    return cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))


def _sharpness(
    ink_xy: tuple[np.ndarray, np.ndarray], shape: tuple[int, ...], angle: float
) -> float:
    """Variance of the row-ink profile of the ink pixels (x, y) turned by `angle`: the rows
    they land on are counted, rather than the image rotated (3.5x faster on a 1000 px page,
    the same angles to ±0.05° on the tune corpus)."""
    h, w = shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    xs, ys = ink_xy
    rows = np.rint(m[1, 0] * xs + m[1, 1] * ys + m[1, 2]).astype(np.intp)
    return float(np.var(np.bincount(rows[(rows >= 0) & (rows < h)], minlength=h)))


def _quarter_turns(small_ink: np.ndarray) -> tuple[int, bool]:
    """0 or 1: whether the page (its _small_ink) lies sideways (then it needs a quarter turn);
    and whether that is clear from the page's ink alone.

    Characters in a line sit closer together than lines do, so smearing text along its lines
    joins it into fewer blobs than smearing across them. Rules are removed first, since a
    table's rules run both ways. A table page whose headers stand a character a line has as
    many blobs either way (UNCLEAR_TURN): the recogniser tells (ocr.reader._best_turn).
    """
    binary = _text_only(small_ink)
    along_rows = _blobs(cv2.dilate(binary, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1))))
    along_cols = _blobs(cv2.dilate(binary, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 9))))
    ratio = along_cols / max(along_rows, 1)
    return (1 if ratio < SIDEWAYS else 0), not UNCLEAR_TURN[0] <= ratio <= UNCLEAR_TURN[1]


def _blobs(binary: np.ndarray) -> int:
    return cv2.connectedComponents(binary, connectivity=8)[0] - 1


def skew_angle(gray: np.ndarray) -> float:
    """Degrees to rotate (counter-clockwise, OpenCV's sense) to straighten the page."""
    return _skew_angle(_small_ink(gray))


def _skew_angle(binary: np.ndarray) -> float:
    ys, xs = np.nonzero(binary)
    ink_xy = (xs.astype(np.float32), ys.astype(np.float32))
    best, span = 0.0, SKEW_RANGE
    for step in SKEW_STEPS:
        angles = np.arange(best - span, best + span + step / 2, step)
        best = max(angles, key=lambda a: _sharpness(ink_xy, binary.shape, float(a)))
        span = step
    return float(best)


def rotate(gray: np.ndarray, angle: float, interpolation: int = cv2.INTER_CUBIC) -> np.ndarray:
    if abs(angle) < 1e-3:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=interpolation, borderValue=255)


def upright(gray: np.ndarray) -> tuple[np.ndarray, int, float, bool]:
    """The page turned upright (up to 180°, see above) and deskewed, with what was done, and
    whether the quarter turn was clear (see _quarter_turns)."""
    gray, turns, angle, clear = turned_upright(gray)
    return rotate(gray, angle), turns, angle, clear


def turned_upright(gray: np.ndarray) -> tuple[np.ndarray, int, float, bool]:
    """As `upright`, but the page only turned; the skew angle is not yet undone. The page is
    shrunk once for both: its small copy turned is the turned page's."""
    small_ink = _small_ink(gray)
    turns, clear = _quarter_turns(small_ink)
    if turns:
        gray = np.ascontiguousarray(np.rot90(gray, k=-1))
        small_ink = np.ascontiguousarray(np.rot90(small_ink, k=-1))
    return gray, turns, _skew_angle(small_ink), clear


# The page's edges, fitted as lines (pixels of the PROFILE_WIDTH copy). In the photos drawn the
# desk is 60-190 gray and the paper 225-250, both darkened together by up to 45 % in a shadow;
# a shadow's own edge falls off over about 90 pixels, under 2 gray levels a pixel.
EDGE_STEP = 12  # gray levels the paper's darkest pixel is above the surface's brightest
EDGE_REACH = 8  # pixels of surface, and of paper, compared either side of an edge
EDGE_GAP = 2  # pixels either side of the edge left out: the blurred step itself
EDGE_TOLERANCE = 1.5  # pixels off a fitted edge that a point may lie and still be on it
EDGE_INSET = 3  # pixels each fitted edge is moved in, so that no desk is left along the page
# Fitted corners may lie this far outside the frame (share of its long side): a photo that cut
# off a corner of the page still shows the edges that meet there (one at 1.6 px from the
# frame's edge, inside it, was refused, and table 三's page went unrectified).
EDGE_MARGIN = -0.03


def page_corners(gray: np.ndarray) -> np.ndarray | None:
    """_page_outline of the page (full-size pixels)."""
    return _page_outline(*_look(gray))


def _page_outline(small: np.ndarray, scale: float) -> np.ndarray | None:
    """The corners (top-left, top-right, bottom-right, bottom-left; float pixels) of a page
    photographed on a surface, or None when the page fills the frame, as on a scan.

    The page's four edges are lines where a darker surface turns to paper (see
    _fitted_edges); failing that, the page is the largest bright region (a dark desk), or else
    the largest quadrilateral outlined by edges (a light surface, where brightness does not
    tell the page apart)."""
    outlines = (
        (_fitted_edges, EDGE_MARGIN),
        (_bright_region, FRAME_MARGIN),
        (_edged_quadrilateral, FRAME_MARGIN),
    )
    for outline, margin in outlines:
        corners = outline(small)
        if (
            corners is not None
            and not _touches_frame(corners, small.shape, margin)
            and _on_a_surface(small, corners)
        ):
            return corners / scale
    return None


def _look(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The blurred copy PROFILE_WIDTH long that outlines are looked for on, and its scale.
    Shrinking a 300 dpi page costs more than looking, so flatten shrinks it once."""
    scale = PROFILE_WIDTH / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (5, 5), 0), scale


def _fitted_edges(small: np.ndarray) -> np.ndarray | None:
    """Corners where the page's four edges cross, each edge a line fitted to the points where,
    coming in from the frame, the surface turns to paper. The outline of a sheet stays straight
    when the paper curls inside it or a shadow falls across it: the bright region of the page
    then loses a corner to the shadow, and its extreme points are not the corners."""
    lines = []
    for side in ("top", "right", "bottom", "left"):
        points = _edge_points(small, side)
        line = _fitted_line(points)
        if line is None or line[2] < 0.2 * max(small.shape):
            return None  # too little of this edge is seen
        lines.append(_moved_in(line, small.shape, EDGE_INSET))
    corners = [_crossing(lines[i - 1], lines[i]) for i in (0, 1, 2, 3)]  # left×top, top×right…
    if any(c is None for c in corners):
        return None
    quad = np.array(corners, np.float32)
    share = cv2.contourArea(quad) / small.size
    if not cv2.isContourConvex(quad.astype(np.int32)) or not PAGE_AREA[0] <= share <= PAGE_AREA[1]:
        return None
    return quad


def _edge_points(small: np.ndarray, side: str) -> np.ndarray:
    """(x, y) per row (left, right) or column (top, bottom) of the frame: the first place,
    coming in from that side and within its half of the frame, where the darkest paper just
    ahead is EDGE_STEP above the brightest surface just behind. Comparing extremes rather
    than means passes over a thin dark stroke on white paper (a rule, a character)."""
    lines = small.T if side in ("top", "bottom") else small
    if side in ("right", "bottom"):
        lines = lines[:, ::-1]
    lines = np.ascontiguousarray(lines)
    n, r, gap = lines.shape[1], EDGE_REACH, EDGE_GAP
    window = np.ones((1, r), np.uint8)
    surface = cv2.dilate(lines, window, anchor=(r - 1, 0)).astype(np.int16)  # max of [x-r+1, x]
    paper = cv2.erode(lines, window, anchor=(0, 0)).astype(np.int16)  # min of [x, x+r-1]
    at = np.arange(r + gap, n // 2)  # the edge between at-1-gap and at+gap
    step = paper[:, at + gap] - surface[:, at - 1 - gap]
    hit = step >= EDGE_STEP
    found = np.flatnonzero(hit.any(axis=1))
    first = hit[found].argmax(axis=1)
    near = first[:, None] + np.arange(r)[None, :]  # the step is sharpest a few pixels on
    near = np.minimum(near, len(at) - 1)
    across = at[near[np.arange(len(found)), step[found[:, None], near].argmax(axis=1)]]
    across = across.astype(np.float32)
    if side in ("right", "bottom"):
        across = n - 1 - across
    along = found.astype(np.float32)
    pairs = (across, along) if side in ("left", "right") else (along, across)
    return np.stack(pairs, axis=1)


def _fitted_line(points: np.ndarray, trials: int = 200) -> tuple | None:
    """(point, unit direction, points on it): the line through the most points (RANSAC over
    pairs, seeded so that a page always gets the same corners), refitted to those points."""
    if len(points) < 20:
        return None
    pick = np.random.default_rng(0).integers(len(points), size=(2, trials))
    start, direction = points[pick[0]], points[pick[1]] - points[pick[0]]
    length = np.linalg.norm(direction, axis=1)
    usable = length > 20
    if not usable.any():
        return None
    start, direction = start[usable], direction[usable] / length[usable, None]
    normal = np.stack([-direction[:, 1], direction[:, 0]], axis=1)
    distance = np.abs(np.einsum("tpk,tk->tp", points[None] - start[:, None], normal))
    on = points[distance[(distance < EDGE_TOLERANCE).sum(axis=1).argmax()] < EDGE_TOLERANCE]
    vx, vy, x0, y0 = cv2.fitLine(on, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    return np.array([x0, y0]), np.array([vx, vy]), len(on)


def _moved_in(line: tuple, shape: tuple[int, ...], by: float) -> tuple:
    point, direction, count = line
    normal = np.array([-direction[1], direction[0]])
    centre = np.array([shape[1] / 2, shape[0] / 2])
    if np.dot(centre - point, normal) < 0:
        normal = -normal
    return point + by * normal, direction, count


def _crossing(a: tuple, b: tuple) -> np.ndarray | None:
    (p, d, _), (q, e, _) = a, b
    matrix = np.array([d, -e]).T
    if abs(np.linalg.det(matrix)) < 0.5:  # nearly parallel: not two sides of a page
        return None
    t = np.linalg.solve(matrix, q - p)
    return p + t[0] * d


def _on_a_surface(small: np.ndarray, corners: np.ndarray) -> bool:
    """Does the paper inside the quadrilateral's edges stand SURFACE_CONTRAST above what lies
    just outside them (the median over points along all four)? On a scan the outline of a
    table is a quadrilateral too, with paper on both sides of it. Compared edge by edge, not
    the whole page against the whole surround: a photo whose page's right edge was lost in
    the desk's shading took table 三's outline for the page (inside and around it the paper
    in the shadow was darker than the page's, the desk darker still), and lost its rules."""
    centre = corners.mean(axis=0)
    along = np.linspace(0.1, 0.9, EDGE_SAMPLES)[:, None]
    steps = []
    for start, end in zip(corners, np.roll(corners, -1, axis=0)):
        direction = (end - start) / np.linalg.norm(end - start)
        normal = np.array([-direction[1], direction[0]])
        if np.dot(centre - start, normal) < 0:
            normal = -normal
        points = start + along * (end - start)
        steps.append(_gray_at(small, points + SURFACE_REACH * normal))
        steps[-1] -= _gray_at(small, points - SURFACE_REACH * normal)
    return float(np.median(np.concatenate(steps))) >= SURFACE_CONTRAST


def _gray_at(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    x = np.clip(np.rint(points[:, 0]).astype(int), 0, image.shape[1] - 1)
    y = np.clip(np.rint(points[:, 1]).astype(int), 0, image.shape[0] - 1)
    return image[y, x].astype(np.int16)


def _bright_region(small: np.ndarray) -> np.ndarray | None:
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))  # text holes
    return _corners_of_largest(bright, small.size, approximate=False)


def _edged_quadrilateral(
    small: np.ndarray, shares: tuple = PAGE_AREA, inside: bool = False
) -> np.ndarray | None:
    """`inside`: look within the outlines that run out of the frame too (see
    _corners_of_largest)."""
    edges = cv2.dilate(cv2.Canny(small, 30, 90), np.ones((3, 3), np.uint8))
    return _corners_of_largest(edges, small.size, approximate=True, shares=shares, inside=inside)


def _corners_of_largest(
    mask: np.ndarray,
    area: int,
    approximate: bool,
    shares: tuple = PAGE_AREA,
    inside: bool = False,
) -> np.ndarray | None:
    """`shares`: the least and most of the frame the region covers. `inside`: the outlines
    within others are looked at too, those touching the frame (FRAME_MARGIN) passed over: a
    photographed page running out of the picture holds its table's outline."""
    mode = cv2.RETR_LIST if inside else cv2.RETR_EXTERNAL
    contours, _ = cv2.findContours(mask, mode, cv2.CHAIN_APPROX_NONE)
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[: 6 if inside else 3]:
        if not shares[0] <= cv2.contourArea(contour) / area <= shares[1]:
            continue
        if approximate:
            hull = cv2.convexHull(contour)
            quad = cv2.approxPolyDP(hull, 0.03 * cv2.arcLength(hull, True), True)
            if len(quad) != 4:
                continue
        points = contour.reshape(-1, 2).astype(np.float32)
        total, diff = points.sum(axis=1), points[:, 0] - points[:, 1]
        corners = np.array(
            [
                points[total.argmin()],
                points[diff.argmax()],
                points[total.argmax()],
                points[diff.argmin()],
            ]
        )
        if inside and _touches_frame(corners, mask.shape, FRAME_MARGIN):
            continue
        return corners
    return None


def _touches_frame(corners: np.ndarray, shape: tuple[int, ...], margin: float) -> bool:
    """A corner within `margin` (share of the long side) of the frame's edge, or beyond it by
    more than -`margin` when that is negative: the page runs out of the picture (or is it)."""
    h, w = shape[:2]
    margin *= max(h, w)
    x, y = corners[:, 0], corners[:, 1]
    return bool(((x <= margin) | (x >= w - margin) | (y <= margin) | (y >= h - margin)).any())


def flatten(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """A photographed page warped flat, its rules then straightened where the paper curled or
    the lens bowed them (ocr.dewarp), and whether it was a photo. The page's outline is warped
    to a rectangle whose short side is the frame's (the scan route takes a frame for an A4
    page); failing that, a table's outline whose opposite sides converge (see keystoned_table)
    is warped to a rectangle and the whole frame with it. A page where neither is found (a
    scan) is evenly lit if shaded."""
    look = _look(gray)
    corners = _page_outline(*look)
    if corners is not None:
        warp, size = _page_filling_frame(corners, gray.shape)
    else:
        table = _keystoned_table(*look)
        if table is None:
            paper = _paper_light(gray)
            shaded = float(np.percentile(paper, 95) - np.percentile(paper, 5)) >= SHADED
            return (evenly_lit(gray, paper) if shaded else gray), False
        warp, size = _frame_around(table, gray.shape)
    unbent, _ = unbend(gray, warp, size)
    if unbent is None:
        unbent = cv2.warpPerspective(gray, warp, size, flags=cv2.INTER_CUBIC, borderValue=255)
    return evenly_lit(unbent), True


def _rectangle_of(corners: np.ndarray) -> tuple[float, float]:
    """Width and height of the rectangle a foreshortened quadrilateral is warped to: its
    longer sides, the ones nearer the camera."""
    top, right, bottom, left = (
        float(np.linalg.norm(corners[i] - corners[(i + 1) % 4])) for i in range(4)
    )
    return max(top, bottom), max(left, right)


def _page_filling_frame(corners: np.ndarray, shape: tuple[int, ...]) -> tuple:
    width, height = _rectangle_of(corners)
    fit = min(shape) / min(width, height)
    size = (round(width * fit), round(height * fit))
    target = np.array([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]], np.float32)
    return cv2.getPerspectiveTransform(corners.astype(np.float32), target), size


def _frame_around(table: np.ndarray, shape: tuple[int, ...]) -> tuple:
    """The homography that squares the table where it lies, and the size that holds the whole
    frame through it: the page around the table (the end of the table before it, the text
    below) is on the same sheet, so it is squared too."""
    width, height = _rectangle_of(table)
    target = table[0] + np.array([[0, 0], [width, 0], [width, height], [0, height]])
    warp = cv2.getPerspectiveTransform(table.astype(np.float32), target.astype(np.float32))
    h, w = shape[:2]
    frame = np.float32([[[0, 0]], [[w, 0]], [[w, h]], [[0, h]]])
    seen = cv2.perspectiveTransform(frame, warp).reshape(-1, 2)
    low, high = seen.min(axis=0), seen.max(axis=0)
    warp = np.array([[1, 0, -low[0]], [0, 1, -low[1]], [0, 0, 1]]) @ warp
    return warp, (round(high[0] - low[0]), round(high[1] - low[1]))


def keystoned_table(gray: np.ndarray) -> np.ndarray | None:
    """_keystoned_table of the page (full-size pixels)."""
    return _keystoned_table(*_look(gray))


def _keystoned_table(small: np.ndarray, scale: float) -> np.ndarray | None:
    """The corners (as page_corners) of a ruled table seen in perspective: the largest
    quadrilateral outlined by edges, whose sides all run along ink, two opposite ones of which
    converge by KEYSTONE or more. A table printed square and scanned keeps its sides parallel
    however skewed, so a scan's tables are never warped. It rectifies a photo whose page edge
    is lost against a light desk, or runs out of the picture."""
    corners = _edged_quadrilateral(small, TABLE_AREA, inside=True)
    if corners is None:
        return None
    top_bottom, sides = _convergence(corners)
    if max(top_bottom, sides) < KEYSTONE:
        return None
    top, right, bottom, left = _sides_on_ink(small, corners)
    # A continuation printed without its top rule (or a table broken before its bottom rule)
    # is outlined there across its column rules' ends, off ink; its sides still converge.
    one_end_open = (top or bottom) and sides >= KEYSTONE
    if not (right and left and ((top and bottom) or one_end_open)):
        return None
    return corners / scale


def _convergence(corners: np.ndarray) -> tuple[float, float]:
    """Degrees between the top and bottom sides, and between the left and right ones."""
    top_left, top_right, bottom_right, bottom_left = corners

    def degrees(v: np.ndarray) -> float:
        return float(np.degrees(np.arctan2(v[1], v[0])))

    return (
        abs(degrees(top_right - top_left) - degrees(bottom_right - bottom_left)),
        abs(degrees(bottom_left - top_left) - degrees(bottom_right - top_right)),
    )


def _sides_on_ink(small: np.ndarray, corners: np.ndarray) -> list[bool]:
    """Does each side (top, right, bottom, left) lie on ink (within RULE_REACH pixels) along
    RULED of its length? A scan's seal or a run of text joined to a table's edges outlines a
    quadrilateral whose sides cut across the paper: on the scans of a tune draw at most 0.58
    of a side was ink, on its photos' tables all of every side."""
    reach = 2 * RULE_REACH + 1
    inked = cv2.dilate(ink(small), np.ones((reach, reach), np.uint8))
    along = np.linspace(0.05, 0.95, EDGE_SAMPLES)[:, None]
    return [
        bool((_gray_at(inked, start + along * (end - start)) > 0).mean() >= RULED)
        for start, end in zip(corners, np.roll(corners, -1, axis=0))
    ]


def evenly_lit(gray: np.ndarray, paper: np.ndarray | None = None) -> np.ndarray:
    """The page with its paper brought to one brightness: a photo's shadow darkened the paper
    of half a label cell below the level its glyphs were told from, and the cell read as one
    dark blot ("2.其他法律行政法规/禁止公开" read "法律行政法规"). `paper`: its
    _paper_light, when already found."""
    paper = _paper_light(gray) if paper is None else paper
    level = float(np.percentile(paper, 95))
    paper = cv2.resize(paper, gray.shape[::-1], interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(paper, 1), scale=level)


def _paper_light(gray: np.ndarray) -> np.ndarray:
    """The paper's brightness around each point, on a copy an eighth the size: its brightest
    pixels, text and rules closed over."""
    small = cv2.resize(gray, None, fx=1 / 8, fy=1 / 8, interpolation=cv2.INTER_AREA)
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((LIGHT_REACH, LIGHT_REACH), np.uint8))
    return cv2.GaussianBlur(paper, (0, 0), LIGHT_REACH / 2)
