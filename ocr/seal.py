"""Round seals (公章) stamped over a table, found so that their marks are not taken for rules.

In a colour scan a red seal is as light as the paper in the red channel the page is read from
(extractors/image.py); in a gray or 1-bit scan it is as dark as print. The near-vertical stretch
of its ring then passes for a column rule and splits the cells it crosses.

An official round seal is about 38–45 mm across (a county government's, 42 mm): its radius is
RADIUS of the page width (210 mm on A4). A ring is a circle the Hough transform finds at that
size whose circumference is inked, with paper on either side of it (a table's grid and text
lines are inked as much just inside and outside any circle drawn over them).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .levels import percentiles

RADIUS = (0.075, 0.125)  # of the page width
SEARCH_WIDTH = 500  # pixels: rings are searched on a copy this wide
HOUGH_VOTES = 20  # accumulator threshold on that copy (at 30, a fax's broken ring was missed)
RING_INK = 0.7  # share of the fitted circle's circumference inked
RING_CONTRAST = 0.3  # ... more than of the circles just inside and outside it
ROUGH_CONTRAST = 0.05  # the least contrast (ring less its surroundings) of a found circle to fit
RING_WIDTH = 0.1  # of the radius, either side: the ring's stroke, and the error of the search
ON_RING = 0.8  # share of a piece of rule lying on a ring: an arc, not a rule
RUNS_ON = 0.1  # of the radius: a piece running straight this far off the ring is a rule
FIT_STEP = 0.04  # of the radius: the first step of the search for the best-fitting circle
STAR = 0.45  # of the radius: the star at a seal's centre lies within this (its points at 0.33)
AROUND = 0.15  # of the radius: where the circles inside and outside are drawn
PRINT_LEVEL = 25  # percentile of the gray of the page's ink (edges included): its print's core
SEAL_LIGHTER = 40  # gray levels a seal's ring is lighter than the print, at least, to be lifted


@dataclass(frozen=True)
class Ring:
    x: float
    y: float
    radius: float


def seal_rings(binary: np.ndarray, rules: np.ndarray) -> list[Ring]:
    """The seals' rings on a page (`binary`: ink 255 on 0). `rules`: its long straight runs of
    ink (table_grid.long_runs), taken out first: their crossings draw false circles and pull a
    true one off its place."""
    width = binary.shape[1]
    unruled = cv2.subtract(binary, cv2.dilate(rules, np.ones((3, 3), np.uint8)))
    scale = SEARCH_WIDTH / width
    small = cv2.resize(unruled, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 1.5)
    r0, r1 = (int(f * SEARCH_WIDTH) for f in RADIUS)
    found = cv2.HoughCircles(
        small,
        cv2.HOUGH_GRADIENT,
        dp=1,
        minDist=2 * r0,
        param1=100,
        param2=HOUGH_VOTES,
        minRadius=r0,
        maxRadius=r1,
    )
    if found is None:
        return []
    found = found[0] / [scale, scale, scale]
    rough = found[_contrast(binary, found) >= ROUGH_CONTRAST]  # most are a table's grid and text
    rings = [_fitted(binary, Ring(*map(float, ring))) for ring in rough]
    return [ring for ring in rings if _is_inked_ring(binary, ring)]


def _fitted(binary: np.ndarray, ring: Ring) -> Ring:
    """The circle near a found one that lies best on ink with paper around it: the search on a
    small blurred copy misplaces a thin or broken ring by a few percent of its radius."""
    best = np.array([ring.x, ring.y, ring.radius])
    step = FIT_STEP * ring.radius
    while step >= 1:
        tried = best + step * _MOVES
        scores = _contrast(binary, tried)
        if scores.argmax() == 0:
            step /= 2
        best = tried[scores.argmax()]
    return Ring(*map(float, best))


_MOVES = np.array([(0, 0, 0), (1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)])


def _contrast(binary: np.ndarray, rings: np.ndarray) -> np.ndarray:
    on, inside, outside = _inked_shares(binary, rings).T
    return on - (inside + outside) / 2


def _is_inked_ring(binary: np.ndarray, ring: Ring) -> bool:
    on, inside, outside = _inked_shares(binary, np.array([[ring.x, ring.y, ring.radius]]))[0]
    return on >= RING_INK and on - max(inside, outside) >= RING_CONTRAST


_ANGLES = np.linspace(0, 2 * np.pi, 180, endpoint=False)
_CIRCLES = np.array([1.0, 1 - AROUND, 1 + AROUND])  # the ring, and circles inside and outside it
_BAND = np.array([0.98, 0.99, 1.0, 1.01, 1.02])  # ink within 2% of a circle's radius is on it


def _inked_shares(binary: np.ndarray, rings: np.ndarray) -> np.ndarray:
    """For each ring (rows of x, y, radius): the share of its circle's degrees (those on the
    page) inked, and the same for the circles just inside and outside it."""
    h, w = binary.shape
    radii = rings[:, 2, None, None] * _CIRCLES[:, None] * _BAND  # ring, circle, band
    xs, ys = _circle_points(rings[:, 0, None, None, None], rings[:, 1, None, None, None], radii)
    on_page = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    inked = on_page & (binary[ys.clip(0, h - 1), xs.clip(0, w - 1)] > 0)
    inked, on_page = inked.any(axis=2), on_page.any(axis=2)  # over the band
    return inked.sum(axis=2) / np.maximum(on_page.sum(axis=2), 1)


def _circle_points(x, y, radii: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pixel columns and rows of the circles of `radii` around (x, y), at _ANGLES (the last
    axis); x and y broadcast against `radii` with that axis added."""
    xs = np.round(x + radii[..., None] * np.cos(_ANGLES)).astype(int)
    ys = np.round(y + radii[..., None] * np.sin(_ANGLES)).astype(int)
    return xs, ys


def without_seals(gray: np.ndarray, binary: np.ndarray, rings: list[Ring]) -> np.ndarray:
    """A copy of the page (`gray`; `binary`: its ink) with each seal lifted where it is lighter
    than the print, and the ring of a seal as dark as the print painted paper.

    In a gray scan a red seal is a mid gray (about 130 where print is about 60): its text and
    star over a cell read as "▲" or "1o". Within the seal, what is lighter than halfway between
    the print and the seal's ring becomes paper; print under the seal is darker still (ink over
    ink) and stays. A fax's seal is as dark as print: its ring, running down through the cells
    it crosses, joined their lines into one (a label under it read as nothing, and its row was
    lost). Its stroke (_ring_stroke) becomes paper, and the glyphs it crosses lose as much."""
    lifted = gray.copy()
    if not rings:
        return lifted
    page_ink = gray[(binary > 0) & (seal_discs(gray.shape, rings) == 0)]
    if not page_ink.size:
        return lifted
    (print_level,) = percentiles(page_ink, (PRINT_LEVEL,))
    paper = int(percentiles(gray, (50,))[0])
    for ring in rings:
        seal_level = _ring_gray(gray, binary, ring)
        if seal_level is None:
            continue
        if seal_level - print_level >= SEAL_LIGHTER:
            inside = seal_discs(gray.shape, [ring]) > 0
            lifted[inside & (gray > (print_level + seal_level) / 2)] = paper
        else:
            lifted[_ring_stroke(binary, ring)] = paper
    return lifted


def _ring_stroke(binary: np.ndarray, ring: Ring) -> np.ndarray:
    """Where a ring's stroke runs (a boolean mask of the page): the radii, within RING_WIDTH of
    its fitted one, whose circles are inked at least half as much as the most inked one's, and
    a pixel either side (the fitted radius misses the stroke's middle by a pixel or two)."""
    h, w = binary.shape
    reach = ring.radius * (1 + RING_WIDTH) + 1
    x0, y0 = max(0, int(ring.x - reach)), max(0, int(ring.y - reach))
    x1, y1 = min(w, int(ring.x + reach) + 1), min(h, int(ring.y + reach) + 1)
    ys, xs = np.ogrid[y0:y1, x0:x1]
    distance = np.rint(np.hypot(xs - ring.x, ys - ring.y)).astype(int)
    radii = np.arange(round(ring.radius * (1 - RING_WIDTH)), round(reach))
    inked = binary[y0:y1, x0:x1] > 0
    counts = np.bincount(distance.ravel(), minlength=radii[-1] + 1)
    shares = np.bincount(distance.ravel(), inked.ravel(), minlength=radii[-1] + 1)[radii]
    shares = shares / np.maximum(counts[radii], 1)
    stroke = radii[shares >= shares.max() / 2]
    mask = np.zeros((h, w), bool)
    mask[y0:y1, x0:x1] = (distance >= stroke.min() - 1) & (distance <= stroke.max() + 1)
    return mask


def _ring_gray(gray: np.ndarray, binary: np.ndarray, ring: Ring) -> float | None:
    """The median gray of a ring's stroke: along its circle, the darkest pixel within 2% of its
    radius, where that is ink."""
    h, w = gray.shape
    xs, ys = _circle_points(ring.x, ring.y, ring.radius * _BAND)
    on_page = ((xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)).all(axis=0)
    xs, ys = xs[:, on_page], ys[:, on_page]
    darkest = gray[ys, xs].min(axis=0)
    inked = (binary[ys, xs] > 0).any(axis=0)
    return float(np.median(darkest[inked])) if inked.any() else None


def seal_discs(shape: tuple[int, ...], rings: list[Ring]) -> np.ndarray:
    """255 where a seal covers the page (its ring included), else 0."""
    return _drawn(shape, rings, filled=True)


def seal_rings_drawn(shape: tuple[int, ...], rings: list[Ring]) -> np.ndarray:
    """255 on the seals' rings (their stroke, give or take the search's error), else 0."""
    return _drawn(shape, rings, filled=False)


def without_seal_marks(mask: np.ndarray, rings: list[Ring]) -> np.ndarray:
    """`mask` (rules found by opening) without the pieces lying on a ring or on its star (a
    fax fills the star, whose spine and arms pass for rules): a rule the seal crosses runs
    on beyond it, and stays. So does a piece's straight part running off the ring for RUNS_ON
    of its radius: a column rule along the ring's edge, joined to its arc (a fax's table 二
    lost the rule between 本年废止件数 and 现行有效件数, and its two columns were read as one)."""
    if not rings:
        return mask
    band = seal_rings_drawn(mask.shape, rings)
    for ring in rings:
        cv2.circle(band, (round(ring.x), round(ring.y)), round(STAR * ring.radius), 255, -1)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    on_ring = np.bincount(labels[band > 0], minlength=count)
    arcs = on_ring >= ON_RING * stats[:, cv2.CC_STAT_AREA]
    arcs[0] = False  # the background
    if not arcs.any():
        return mask
    out = mask.copy()
    out[arcs[labels]] = 0
    # Put back the rules running on off the ring, along their own line only (not the arc).
    off_ring = cv2.bitwise_and(mask, cv2.bitwise_not(band))
    length = max(3, round(RUNS_ON * min(ring.radius for ring in rings)))
    down, across = (
        cv2.morphologyEx(off_ring, cv2.MORPH_OPEN, np.ones(kernel, np.uint8))
        for kernel in ((length, 1), (1, length))
    )
    for i in np.flatnonzero(arcs):
        x, y, w, h, _ = stats[i]
        area = (slice(y, y + h), slice(x, x + w))
        piece = labels[area] == i
        line = np.zeros_like(piece)
        line[:, (down[area] > 0).any(axis=0)] = True
        line[(across[area] > 0).any(axis=1), :] = True
        out[area][piece & line] = mask[area][piece & line]
    return out


def _drawn(shape: tuple[int, ...], rings: list[Ring], filled: bool) -> np.ndarray:
    """The rings drawn 255 on 0, RING_WIDTH of their radius either side; `filled`: as discs."""
    out = np.zeros(shape[:2], np.uint8)
    for ring in rings:
        centre = (round(ring.x), round(ring.y))
        if filled:
            cv2.circle(out, centre, round(ring.radius * (1 + RING_WIDTH)), 255, -1)
        else:
            cv2.circle(
                out, centre, round(ring.radius), 255, max(3, round(2 * RING_WIDTH * ring.radius))
            )
    return out
