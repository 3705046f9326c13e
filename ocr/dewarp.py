"""Straighten a photographed page by its own table rules.

Warping a photo's page quadrilateral flat (ocr.preprocess.flatten) undoes the keystone, not
what bends lines inside the page: a lifted, curling edge and the lens's barrel distortion. A
row rule that sags by a few pixels near the page's edge smears the table's row profile, so
rows merge or whole tables are lost. Printed rules are straight, so each long rule is traced
as a curve, and the page is remapped so that every row rule lies at its own median height and
every column rule at its own median x; between rules the shift is interpolated, beyond them
held. Everything is measured on a small copy and the full page is remapped once.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 1200  # pixels, long side of the copy the rules are traced on
BRIDGE = 3  # pixels across a rule joined first, so that a slanting rule keeps long runs
RUN = 25  # pixels of a run that is part of a rule: longer than a character's stroke (13)
MIN_RULE = 0.08  # share of the page's width (height) a row (column) rule spans at least
MAX_THICKNESS = 6.0  # pixels, mean across a traced rule; more is text or a filled band
BIN = 8  # pixels along a rule per traced point (the mean of the centres in the bin)
JOIN_GAP = 40  # pixels between the ends of two pieces of one broken rule, at most
JOIN_DRIFT = 4.0  # pixels across between those ends, at most
HOLD = 3 * BIN  # pixels beyond its ends a rule's shift is held
MIN_SHIFT = 1.5  # pixels (small copy): a page whose rules bend less is left as it is (the
# rules of a flat page, traced, stray up to 1 pixel where their thickness rounds differently)


def unbend(photo: np.ndarray, warp: np.ndarray, size: tuple[int, int]) -> tuple:
    """The photo warped flat by the homography `warp` to `size` (width, height) and its rules
    straightened, in one remap of the full photo (one interpolation, as warping alone takes),
    with the largest shift applied (pixels of the flat page); (None, 0.0) when its rules do
    not bend, and warping alone will do. The bend is measured on a small flat copy."""
    scale = WORK_SIDE / max(size)
    shrink = min(1.0, scale * _flat_per_photo_pixel(warp, photo.shape))
    small_photo = (
        photo
        if shrink == 1.0
        else cv2.resize(photo, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    )
    to_small = np.diag([scale, scale, 1.0]) @ warp @ np.diag([1 / shrink, 1 / shrink, 1.0])
    small_size = (round(size[0] * scale), round(size[1] * scale))
    small = cv2.warpPerspective(
        small_photo, to_small, small_size, flags=cv2.INTER_LINEAR, borderValue=255
    )
    binary = _line_ink(small)
    dy = _shift_field(_rules(binary), small.shape)
    across = np.ascontiguousarray(binary.T)  # column rules are row rules of the turned page
    dx = _shift_field(_rules(across), across.shape).T
    largest = float(max(np.abs(dy).max(), np.abs(dx).max()))
    if largest < MIN_SHIFT:
        return None, 0.0
    return _remapped(photo, warp, size, dx / scale, dy / scale), largest / scale


def _flat_per_photo_pixel(warp: np.ndarray, shape: tuple[int, ...]) -> float:
    """How many pixels of the flat page one pixel of the photo becomes, at its centre."""
    centre = np.float32([[[shape[1] / 2, shape[0] / 2], [shape[1] / 2 + 1, shape[0] / 2]]])
    a, b = cv2.perspectiveTransform(centre, warp)[0]
    return float(np.linalg.norm(b - a))


def _line_ink(small: np.ndarray) -> np.ndarray:
    """Dark pixels as 255, by a local threshold that keeps thin rules under uneven light."""
    block = max(15, (min(small.shape) // 40) | 1)
    return cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )


def _rules(binary: np.ndarray) -> list[np.ndarray]:
    """Row rules as curves: arrays of (x, y) points along each, one per BIN pixels of x."""
    bridged = cv2.dilate(binary, np.ones((BRIDGE, 1), np.uint8))
    runs = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, np.ones((1, RUN), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    pieces = []
    for label in range(1, count):
        x, y, w, h, area = stats[label]
        if w < RUN * 2 or area / w > MAX_THICKNESS + BRIDGE:
            continue
        pieces.append(_centre_line(labels[y : y + h, x : x + w] == label, x, y))
    width = binary.shape[1]
    return [c for c in _joined(pieces) if c[-1, 0] - c[0, 0] >= MIN_RULE * width]


def _centre_line(mask: np.ndarray, x0: int, y0: int) -> np.ndarray:
    """(x, y) per BIN columns of a traced piece: the mean of its columns' mean heights."""
    counts = mask.sum(axis=0)
    heights = (mask * np.arange(mask.shape[0])[:, None]).sum(axis=0)
    inked = np.flatnonzero(counts)
    bins = inked // BIN
    per_bin = np.bincount(bins)
    filled = per_bin > 0
    xs = np.bincount(bins, inked)[filled] / per_bin[filled]
    ys = np.bincount(bins, heights[inked] / counts[inked])[filled] / per_bin[filled]
    return np.stack([x0 + xs, y0 + ys], axis=1)


def _joined(pieces: list[np.ndarray]) -> list[np.ndarray]:
    """Pieces of one rule broken by a gap (a seal, a faint stretch) joined end to end, so
    that the whole rule is straightened to one height."""
    chains: list[np.ndarray] = []
    for piece in sorted(pieces, key=lambda p: p[0, 0]):
        for i, chain in enumerate(chains):
            gap = piece[0, 0] - chain[-1, 0]
            if 0 <= gap <= JOIN_GAP and abs(piece[0, 1] - chain[-1, 1]) <= JOIN_DRIFT:
                chains[i] = np.vstack([chain, piece])
                break
        else:
            chains.append(piece)
    return chains


def _shift_field(rules: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    """How far below each point of the straightened page (pixels) to take it from, on a grid
    of BIN-pixel cells: at a rule's median height its measured offset there, interpolated
    between rules in each column, held beyond the outermost ones and across columns that no
    rule spans."""
    h, w = shape[:2]
    xs = (np.arange(-(-w // BIN)) + 0.5) * BIN
    ys = (np.arange(-(-h // BIN)) + 0.5) * BIN
    field = np.zeros((len(ys), len(xs)), np.float32)
    if not rules:
        return field
    levels = np.array([np.median(r[:, 1]) for r in rules])
    order = np.argsort(levels)
    levels = levels[order]
    offsets = np.array([_traced_at(xs, r) for r in rules])[order] - levels[:, None]
    spanned = ~np.isnan(offsets)
    columns = np.flatnonzero(spanned.any(axis=0))
    for j in columns:
        field[:, j] = np.interp(ys, levels[spanned[:, j]], offsets[spanned[:, j], j])
    for i in range(len(ys)):  # columns no rule spans take their neighbours' shift
        field[i] = np.interp(xs, xs[columns], field[i, columns])
    return cv2.GaussianBlur(field, (0, 0), 1.0)


def _traced_at(xs: np.ndarray, rule: np.ndarray) -> np.ndarray:
    """The rule's height at `xs`: its end heights held for HOLD pixels beyond its ends (rules
    of one table end a pixel or two apart, and one that stops short must not leave the others
    to set the shift there alone), unknown (NaN) further on."""
    xp = np.concatenate([[rule[0, 0] - HOLD], rule[:, 0], [rule[-1, 0] + HOLD]])
    yp = np.concatenate([[rule[0, 1]], rule[:, 1], [rule[-1, 1]]])
    return np.interp(xs, xp, yp, left=np.nan, right=np.nan)


def _remapped(
    photo: np.ndarray, warp: np.ndarray, size: tuple[int, int], dx: np.ndarray, dy: np.ndarray
) -> np.ndarray:
    """Each flat pixel (x, y) taken from where the photo shows (x + dx, y + dy) of the flat
    page: the shifts, given on a coarse grid of cells, are added to the cells' centres, taken
    back through the homography, and only then enlarged to every pixel (the homography
    bends less than a tenth of a pixel within a cell)."""
    w, h = size
    rows, columns = dx.shape
    xs = (np.arange(columns) + 0.5) * w / columns - 0.5  # where cv2.resize puts cell centres
    ys = (np.arange(rows) + 0.5) * h / rows - 0.5
    flat = np.stack([xs[None, :] + dx, ys[:, None] + dy], axis=-1).astype(np.float32)
    source = cv2.perspectiveTransform(flat.reshape(-1, 1, 2), np.linalg.inv(warp))
    source = source.reshape(rows, columns, 2)
    map_x = cv2.resize(source[..., 0], size, interpolation=cv2.INTER_LINEAR)
    map_y = cv2.resize(source[..., 1], size, interpolation=cv2.INTER_LINEAR)
    return cv2.remap(photo, map_x, map_y, cv2.INTER_CUBIC, borderValue=255)
