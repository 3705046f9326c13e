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

RADIUS = (0.075, 0.125)  # of the page width
SEARCH_WIDTH = 500  # pixels: rings are searched on a copy this wide
HOUGH_VOTES = 30  # accumulator threshold on that copy (at 40, two seals of 12 were missed)
RING_INK = 0.5  # share of the circumference inked
RING_CONTRAST = 0.25  # ... more than of the circles just inside and outside it
RING_WIDTH = 0.1  # of the radius, either side: the ring's stroke, and the error of the search
ON_RING = 0.8  # share of a piece of rule lying on a ring: an arc, not a rule
AROUND = 0.15  # of the radius: where the circles inside and outside are drawn


@dataclass(frozen=True)
class Ring:
    x: float
    y: float
    radius: float


def seal_rings(binary: np.ndarray) -> list[Ring]:
    """The seals' rings on a page (`binary`: ink 255 on 0)."""
    width = binary.shape[1]
    scale = SEARCH_WIDTH / width
    small = cv2.resize(binary, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
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
    candidates = (
        [] if found is None else [Ring(x / scale, y / scale, r / scale) for x, y, r in found[0]]
    )
    return [ring for ring in candidates if _is_inked_ring(binary, ring)]


def _is_inked_ring(binary: np.ndarray, ring: Ring) -> bool:
    on = _inked_share(binary, ring, ring.radius)
    inside = _inked_share(binary, ring, ring.radius * (1 - AROUND))
    outside = _inked_share(binary, ring, ring.radius * (1 + AROUND))
    return on >= RING_INK and on - max(inside, outside) >= RING_CONTRAST


def _inked_share(binary: np.ndarray, ring: Ring, radius: float) -> float:
    """The share of a circle's degrees (those on the page) with ink within 2% of its radius."""
    h, w = binary.shape
    angles = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    inked = np.zeros(angles.size, bool)
    on_page = np.zeros(angles.size, bool)
    for r in radius * np.array([0.98, 0.99, 1.0, 1.01, 1.02]):
        xs = np.round(ring.x + r * np.cos(angles)).astype(int)
        ys = np.round(ring.y + r * np.sin(angles)).astype(int)
        ok = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
        on_page |= ok
        inked[ok] |= binary[ys[ok], xs[ok]] > 0
    return float(inked[on_page].mean()) if on_page.any() else 0.0


def seal_discs(shape: tuple[int, ...], rings: list[Ring]) -> np.ndarray:
    """255 where a seal covers the page (its ring included), else 0."""
    return _drawn(shape, rings, filled=True)


def without_arcs(mask: np.ndarray, rings: list[Ring]) -> np.ndarray:
    """`mask` (rules found by opening) without the pieces lying on a ring: a rule the ring
    crosses runs on beyond it, and stays."""
    if not rings:
        return mask
    band = _drawn(mask.shape, rings, filled=False)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    on_ring = np.bincount(labels[band > 0], minlength=count)
    arcs = on_ring >= ON_RING * stats[:, cv2.CC_STAT_AREA]
    arcs[0] = False  # the background
    if not arcs.any():
        return mask
    out = mask.copy()
    out[arcs[labels]] = 0
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
