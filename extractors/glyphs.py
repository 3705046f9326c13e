"""Rebuild text from positioned glyphs (pdfplumber chars: one per draw call in WPS exports).

Glyphs are grouped into lines by vertical overlap and read left to right; a label wrapped over
lines, or written one character per line (vertical labels), comes out as lines joined by "\n".
Spaces come from the gaps between glyphs, not from space glyphs, which WPS scatters between
Latin and CJK text. Glyphs drawn twice at the same spot (fake bold) are read once.
"""

from __future__ import annotations

SPACE_GAP = 0.3  # a gap wider than this many font sizes is a space
SAME_SPOT = 1.0  # points; the same glyph drawn again within this distance is a duplicate


def cell_text(chars: list[dict]) -> str:
    glyphs = _dedupe([c for c in chars if not c["text"].isspace()])
    return "\n".join(_line_text(line) for line in _lines(glyphs))


def _dedupe(chars: list[dict]) -> list[dict]:
    kept: list[dict] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if not any(
            k["text"] == c["text"]
            and abs(k["x0"] - c["x0"]) < SAME_SPOT
            and abs(k["top"] - c["top"]) < SAME_SPOT
            for k in kept[-4:]
        ):
            kept.append(c)
    return kept


def _lines(chars: list[dict]) -> list[list[dict]]:
    lines: list[list[dict]] = []
    bounds: list[tuple[float, float]] = []
    for c in sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2):
        middle = (c["top"] + c["bottom"]) / 2
        if bounds and bounds[-1][0] <= middle <= bounds[-1][1]:
            lines[-1].append(c)
            top, bottom = bounds[-1]
            bounds[-1] = (min(top, c["top"]), max(bottom, c["bottom"]))
        else:
            lines.append([c])
            bounds.append((c["top"], c["bottom"]))
    return lines


def _line_text(line: list[dict]) -> str:
    out = []
    previous = None
    for c in sorted(line, key=lambda c: c["x0"]):
        if previous is not None and c["x0"] - previous["x1"] > SPACE_GAP * c["size"]:
            out.append(" ")
        out.append(c["text"])
        previous = c
    return "".join(out)
