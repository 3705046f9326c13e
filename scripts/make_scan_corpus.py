"""Draw a corpus of scanned and photographed *whole reports* at random, with their truth.

Each drawn document takes one source report with a truth file (the five seeds'
samples/docx/*.docx and the three 2019-template samples/t2019/docx/*.docx), lays it out afresh,
prints it with LibreOffice, renders its pages with pdfium and puts every page through a scanner,
a fax machine or a phone camera:

  1. Layout (per document): font family, body and table text 9-12 pt, page margins, cell
     padding, row heights, label columns narrowed so labels wrap over 1-4 lines, empty
     paragraphs and spacing before the table headings so tables break across pages at varied
     rows (rows are never split inside themselves), sometimes a title page of its own.
  2. Print: ``soffice --headless --convert-to pdf`` with a private profile (only needed to make
     a corpus, never in CI).
  3. Paper (per page, on the rendered raster, where the rules are known from pdfplumber): a
     table continued from the previous page gets its top rule missing or doubled; faint-ruled
     scans get rules at 40-100 % darkness with gaps; some documents get a red round seal
     stamped over part of a table.
  4. Degradation (per page, drawn within its category's ranges, all kept in CATEGORIES below):
     scan (quarter turn, skew, paper/toner grays, uneven light, blur, noise, specks, dust,
     JPEG), fax (as scan, then 1-bit), or photo (the page on a darker surface, keystone,
     curl and barrel, a shadow, 2-12 MP colour JPEG).
  5. Containers: image-only PDF (one JPEG per page), multi-page TIFF (JPEG, or CCITT G4 for
     faxes), or a folder of JPGs (photos; one report, its files in name order as pages).

Files are named ``<source stem>.<category>.d<NNN>.<ext>`` (a folder for photos), so
bench/run.py's truth_for() finds their truth by name. ``.manifest.json`` beside them (hidden, so
``nianbao run DIR`` leaves it out) lists per document its source, category, container, pages,
template, expected agency and year, layout and every page's drawn parameters.

Draws: ``--seed 1`` is the tune draw (develop on it), ``--seed 2`` the fresh draw (report on it,
not looked at before). ``--wide`` widens every range a little (for the fresh draw). A seed gives
the same corpus every time (same LibreOffice, fonts, numpy, OpenCV, Pillow).

    .venv/bin/python scripts/make_scan_corpus.py --seed 1 --documents 42 --out /tmp/corpus-tune
    .venv/bin/python scripts/make_scan_corpus.py --committed   # small set: tests/fixtures/scan_corpus/

Then ``.venv/bin/python bench/scans.py --corpus /tmp/corpus-tune`` scores it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import multiprocessing
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import cv2
import docx
import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from docx.oxml.ns import qn
from docx.shared import Cm
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from make_pdf_samples import convert, make_variant, run_properties, set_child
from make_scan_samples import _QUARTER, _illumination, _jpeg_roundtrip, _render, _skew

TRUTH_DIR = ROOT / "tests" / "truth"
COMMITTED_DIR = ROOT / "tests" / "fixtures" / "scan_corpus"
MANIFEST = ".manifest.json"
SEAL_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FONT_PACKAGES = ("fonts-wqy-zenhei", "fonts-noto-cjk")  # Debian's, for LAYOUT's fonts and SEAL_FONT
# The fresh draw is reported on before anyone looks at it; once looked at, it is retired and
# the next seed takes its place (seed 2 was stop 17's, seed 3 is stop 18's).
TUNE_SEED, FRESH_SEED = 1, 41

# Source stem -> (docx, expected agency, expected year). The seeds' agency and year are those
# tests/test_seeds.py expects; the 2019-template reports carry theirs in tests/truth/.
SEED_AGENCY_YEAR = {
    "000_de4a6e6b343917dd": ("北京市丰台区人民政府", 2023),
    "001_1c640710511402cf": ("北京市丰台区人民政府花乡街道办事处", 2023),
    "002_aeca975d5bd5932c": ("北京市朝阳区政务服务管理局", 2023),
    "003_e8e0dec984916c3b": ("北京市石景山区人民政府", 2022),
    "004_35a7a0986a780ec4": ("四方台区", 2023),
}


def sources() -> dict[str, tuple[Path, str, int, str]]:
    """stem -> (docx, agency, year, template) for every source report with a truth file."""
    found = {}
    for path in sorted((ROOT / "samples" / "docx").glob("*.docx")):
        agency, year = SEED_AGENCY_YEAR[path.stem]
        found[path.stem] = (path, agency, year, "2021")
    for path in sorted((ROOT / "samples" / "t2019" / "docx").glob("*.docx")):
        truth = json.loads((TRUTH_DIR / f"{path.stem}.json").read_text(encoding="utf-8"))
        found[path.stem] = (path, truth["agency"], truth["year"], truth["template"])
    return found


# ---------------------------------------------------------------- the ranges (one place)

Span = tuple[float, float]


@dataclass(frozen=True)
class Ranges:
    """What a category may do to a page. Every page draws each value uniformly from its span.

    Gray levels are 0 (black) to 255 (white); pixel sizes are at the page's own dpi.
    """

    dpi: Span = (200, 250)  # drawn once per document (a scanner setting)
    skew: float = 1.0  # degrees, uniform(-skew, skew)
    quarter_turn: float = 0.0  # chance that a page was fed turned by 90, 180 or 270 degrees
    blur: Span = (0.0, 0.4)  # gaussian sigma, px
    noise: Span = (1.0, 3.0)  # gaussian sensor noise, gray levels
    specks: Span = (0.0, 5e-5)  # salt-and-pepper, fraction of pixels
    dust: Span = (0, 6)  # dark dust dots per page
    jpeg: Span = (80, 95)  # JPEG quality
    paper: Span = (240, 250)  # gray of blank paper
    ink: Span = (15, 35)  # gray of solid black print
    shading: Span = (0.0, 0.04)  # strongest fall-off of the illumination, fraction
    rule_darkness: Span = (1.0, 1.0)  # ruling lines as dark as printed (1) or fainter
    rule_gaps: Span = (0.0, 0.0)  # gaps per 100 px of ruling line
    color: float = 0.0  # chance of an RGB scan (else grayscale)
    seal: float = 0.0  # chance that the document carries a red round seal over a table
    fax: bool = False  # 1-bit, thresholded at `threshold`
    threshold: Span = (120, 150)
    photo: bool = False
    keystone: Span = (0.0, 8.0)  # degrees the camera is tilted off the page's normal
    curl: Span = (0.0, 0.012)  # lift of one page edge, fraction of the page height
    barrel: Span = (0.0, 0.02)  # radial lens distortion coefficient
    shadow: Span = (0.0, 0.45)  # darkening in the shadow of the phone or a hand
    megapixels: Span = (2.0, 12.0)


CATEGORIES: dict[str, Ranges] = {
    "scan300": Ranges(dpi=(250, 300), skew=1.0, quarter_turn=0.08),
    "scan200": Ranges(
        dpi=(200, 250),
        skew=3.0,
        quarter_turn=0.1,
        blur=(0.2, 0.7),
        noise=(2.0, 7.0),
        specks=(5e-5, 4e-4),
        dust=(3, 20),
        jpeg=(50, 95),
        paper=(228, 248),
        ink=(20, 50),
        shading=(0.03, 0.12),
        color=0.35,
        seal=0.35,
    ),
    "scan150": Ranges(
        dpi=(150, 175),
        skew=3.0,
        quarter_turn=0.1,
        blur=(0.6, 1.2),
        noise=(4.0, 9.0),
        specks=(2e-4, 8e-4),
        dust=(10, 30),
        jpeg=(35, 60),
        paper=(222, 245),
        ink=(30, 60),
        shading=(0.04, 0.12),
    ),
    "faint": Ranges(
        dpi=(200, 200),
        skew=2.0,
        quarter_turn=0.05,
        blur=(0.3, 0.7),
        noise=(3.0, 6.0),
        specks=(5e-5, 3e-4),
        dust=(3, 15),
        jpeg=(50, 50),
        paper=(228, 245),
        ink=(25, 55),
        shading=(0.08, 0.2),
        rule_darkness=(0.4, 1.0),
        rule_gaps=(0.0, 1.0),
    ),
    "fax": Ranges(
        dpi=(200, 200),
        skew=2.0,
        quarter_turn=0.05,
        blur=(0.3, 0.6),
        noise=(5.0, 12.0),
        specks=(1e-4, 6e-4),
        dust=(5, 25),
        paper=(225, 245),
        ink=(20, 60),
        shading=(0.02, 0.1),
        rule_darkness=(0.85, 1.0),
        rule_gaps=(0.0, 0.4),
        seal=0.7,
        fax=True,
        threshold=(130, 165),
    ),
    "photo": Ranges(
        dpi=(0, 0),  # set by the camera: megapixels and framing
        skew=2.5,
        quarter_turn=0.1,
        blur=(0.4, 1.1),
        noise=(2.0, 6.0),
        jpeg=(80, 95),
        paper=(225, 250),
        ink=(25, 55),
        shading=(0.05, 0.25),
        seal=0.15,
        photo=True,
    ),
}

# Hard bounds a widened span is clipped to; unnamed fields are not widened.
WIDEN_BOUNDS = {
    "blur": (0.0, 1.4),
    "noise": (0.0, 16.0),
    "specks": (0.0, 1e-3),
    "jpeg": (30, 95),
    "paper": (210, 252),
    "ink": (10, 70),
    "shading": (0.0, 0.3),
    "rule_darkness": (0.35, 1.0),
    "rule_gaps": (0.0, 2.0),
    "threshold": (120, 175),
    "keystone": (0.0, 9.0),
    "curl": (0.0, 0.015),
    "shadow": (0.0, 0.5),
}


def widened(r: Ranges, by: float = 0.1) -> Ranges:
    """Every span in WIDEN_BOUNDS a fraction `by` wider at both ends, and skew +10 %."""
    changes: dict[str, object] = {"skew": r.skew * (1 + by)}
    for name, (lo_bound, hi_bound) in WIDEN_BOUNDS.items():
        lo, hi = getattr(r, name)
        pad = (hi - lo) * by
        changes[name] = (max(lo_bound, lo - pad), min(hi_bound, hi + pad))
    return dataclasses.replace(r, **changes)


# Layout, drawn per document (lengths in twips unless named otherwise; 1 pt = 20 twips).
LAYOUT = {
    "fonts": ("WenQuanYi Zen Hei", "Noto Serif CJK SC", "Noto Sans CJK SC"),
    "body_pt": (9, 12),
    "table_pt": (9, 12),
    "margin_cm": (1.6, 3.0),
    "after": (0, 200),  # spacing after each body paragraph
    "pad": (0, 8),  # empty paragraphs before a table heading
    "before": (0, 1600),  # spacing before a table heading
    "label_width": (0.45, 1.0),  # label columns, times the template's width
    "table_fill": (0.9, 1.0),  # table width, times the text width
    "cell_pad_lr": (40, 140),
    "cell_pad_tb": (0, 60),
    "tall_rows": 0.35,  # chance that a row gets a minimum height above its text
    "row_height_lines": (1.2, 2.6),
    "title_page": 0.5,  # chance that the title stands on a page of its own
    "tables_only": 0.25,  # chance that only the pages holding tables are scanned
    "continuation_top_rule": ("as_printed", "missing", "doubled"),
}

CONTAINERS = {
    "scan300": ("pdf", "pdf", "tiff"),
    "scan200": ("pdf", "tiff"),
    "scan150": ("pdf", "tiff"),
    "faint": ("pdf", "tiff"),
    "fax": ("tiff",),
    "photo": ("jpg_folder", "jpg_folder", "pdf"),
}

# The committed subset, small enough to commit (only the pages holding tables; photos at a few
# megapixels): (category, source stem prefix, what is fixed instead of drawn).
COMMITTED = [
    ("scan300", "000", {"dpi": 250}),
    (
        "scan200",
        "t2019_qinghe_county",
        {"dpi": 200, "color": True, "seal": True, "container": "pdf"},
    ),
    ("scan150", "003", {"container": "tiff"}),
    ("faint", "001", {"container": "pdf"}),
    ("fax", "004", {"seal": True}),
    ("photo", "002", {"megapixels": 2.5, "container": "jpg_folder"}),
    ("photo", "t2019_hexi_street", {"megapixels": 2.0, "container": "pdf"}),
]
# ... laid out compactly (the tables on 2-3 pages), and JPEG at most this quality.
COMMITTED_LAYOUT = {
    "body_half_pt": 21,
    "table_half_pt": 18,
    "after": 0,
    "pad": {0: 0, 1: 0, 2: 0},
    "before": {0: 0, 1: 0, 2: 0},
    "label_width": [0.8, 0.8, 0.8],
    "title_page": False,
}
COMMITTED_MAX_JPEG = 70


def draw(rng: np.random.Generator, span: Span) -> float:
    lo, hi = span
    return float(rng.uniform(lo, hi)) if hi > lo else float(lo)


def rng_for(*keys: int | str) -> np.random.Generator:
    """A generator for one (seed, document[, page]); strings hashed stably."""
    ints = [
        k if isinstance(k, int) else int.from_bytes(k.encode()[:8].ljust(8, b"\0")) for k in keys
    ]
    return np.random.default_rng(ints)


# ---------------------------------------------------------------- 1. layout


class TableFit(NamedTuple):
    """A table's font (half-points) and left/right cell padding (twips)."""

    half_pt: int
    pad: int


SMALLEST_TABLE_HALF_PT = 14  # 7 pt
SMALLEST_CELL_PAD = 20
PRINT_ATTEMPTS = 3  # layouts tried for a document whose print lost digits (digits_lost)


@dataclass
class Layout:
    font: str
    body_half_pt: int
    table_half_pt: int
    margins_cm: tuple[float, float, float, float]  # left, right, top, bottom
    after: int
    pad: dict[int, int]
    before: dict[int, int]
    label_width: list[float]
    table_fill: float
    cell_pad: tuple[int, int]  # left/right, top/bottom
    row_heights: dict[str, list[int]] = field(default_factory=dict)  # table -> twips (0 = auto)
    table_fit: dict[str, TableFit] = field(default_factory=dict)  # tables made smaller to fit
    title_page: bool = False


def draw_layout(rng: np.random.Generator) -> Layout:
    L = LAYOUT
    return Layout(
        font=str(rng.choice(L["fonts"])),
        body_half_pt=int(rng.integers(L["body_pt"][0] * 2, L["body_pt"][1] * 2 + 1)),
        table_half_pt=int(rng.integers(L["table_pt"][0] * 2, L["table_pt"][1] * 2 + 1)),
        margins_cm=tuple(round(draw(rng, L["margin_cm"]), 2) for _ in range(4)),
        after=int(rng.integers(*L["after"])),
        pad={i: int(rng.integers(L["pad"][0], L["pad"][1] + 1)) for i in range(3)},
        before={i: int(rng.integers(*L["before"])) for i in range(3)},
        label_width=[round(draw(rng, L["label_width"]), 3) for _ in range(3)],
        table_fill=round(draw(rng, L["table_fill"]), 3),
        cell_pad=(int(rng.integers(*L["cell_pad_lr"])), int(rng.integers(*L["cell_pad_tb"]))),
        title_page=bool(rng.random() < L["title_page"]),
    )


NUMBERISH = re.compile(r"[+\-－−﹣]?\d[\d.,]*\s*(元|万元)?")


def _cells_by_grid_column(tbl) -> list[list[tuple[object, int, int]]]:
    """Per row, (tc, first grid column, span) for each cell."""
    rows = []
    for tr in tbl.findall(qn("w:tr")):
        col, row = 0, []
        for tc in tr.findall(qn("w:tc")):
            span_el = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            row.append((tc, col, span))
            col += span
        rows.append(row)
    return rows


def _tc_text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(qn("w:t"))).strip()


def _column_widths(tbl, lay: Layout, index: int, text_width: int, fit: TableFit) -> list[int]:
    """New grid widths: label columns narrowed, number columns wide enough for their numbers."""
    grid = [int(g.get(qn("w:w"))) for g in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
    longest = [0] * len(grid)
    for row in _cells_by_grid_column(tbl):
        for tc, col, span in row:
            text = _tc_text(tc)
            if span == 1 and NUMBERISH.fullmatch(text):
                longest[col] = max(longest[col], len(text))
    numbers = [n > 0 for n in longest]
    pt = fit.half_pt / 2
    # LibreOffice widens a column that cannot hold one character, whatever its set width
    one_char = int(pt * 20 * 1.15) + 2 * fit.pad + 40
    need = [
        max(one_char, int(n * pt * 0.62 * 20 + 2 * fit.pad + 80)) if n else one_char
        for n in longest
    ]
    widths = [w * (1.0 if numbers[i] else lay.label_width[index]) for i, w in enumerate(grid)]
    total = text_width * lay.table_fill
    widths = [w * total / sum(widths) for w in widths]
    widths = [max(w, need[i]) for i, w in enumerate(widths)]
    excess = sum(widths) - total
    labels = sum(w for i, w in enumerate(widths) if not numbers[i])
    if excess > 0 and labels:  # numbers took more: the labels give way (never below 3 chars)
        floor = 3 * pt * 20 + 2 * fit.pad
        widths = [
            w if numbers[i] else max(floor, w - excess * w / labels) for i, w in enumerate(widths)
        ]
    return [round(w) for w in widths]


def _fitted(tbl, lay: Layout, index: int, text_width: int) -> tuple[TableFit, list[int]]:
    """The layout's table font and cell padding, made smaller until the table fits the text width.

    A table wider than the page is clipped when printed; an agency shrinks it instead.
    """
    fit = TableFit(lay.table_half_pt, lay.cell_pad[0])
    while True:
        widths = _column_widths(tbl, lay, index, text_width, fit)
        if sum(widths) <= text_width or fit.half_pt <= SMALLEST_TABLE_HALF_PT:
            return fit, widths
        if fit.pad > SMALLEST_CELL_PAD:
            fit = TableFit(fit.half_pt, max(SMALLEST_CELL_PAD, fit.pad - 20))
        else:
            fit = TableFit(fit.half_pt - 1, fit.pad)


def _set_widths(tbl, widths: list[int]) -> None:
    tbl_pr = tbl.find(qn("w:tblPr"))
    set_child(tbl_pr, "w:tblW", w=sum(widths), type="dxa")
    set_child(tbl_pr, "w:tblLayout", type="fixed")
    for g, w in zip(tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol")), widths):
        g.set(qn("w:w"), str(w))
    for row in _cells_by_grid_column(tbl):
        for tc, col, span in row:
            tc_pr = tc.find(qn("w:tcPr"))
            if tc_pr is None:
                tc_pr = tc.makeelement(qn("w:tcPr"), {})
                tc.insert(0, tc_pr)
            set_child(tc_pr, "w:tcW", w=sum(widths[col : col + span]), type="dxa")


def _set_cell_padding(tbl, lr: int, tb: int) -> None:
    tbl_pr = tbl.find(qn("w:tblPr"))
    mar = set_child(tbl_pr, "w:tblCellMar")
    for side, value in (("top", tb), ("bottom", tb), ("left", lr), ("right", lr)):
        set_child(mar, f"w:{side}", w=value, type="dxa")


def _set_rows(tbl, heights: list[int]) -> None:
    """Each row: never split across pages; a minimum height where one was drawn."""
    for tr, height in zip(tbl.findall(qn("w:tr")), heights):
        tr_pr = tr.find(qn("w:trPr"))
        if tr_pr is None:
            tr_pr = tr.makeelement(qn("w:trPr"), {})
            tr.insert(0, tr_pr)
        set_child(tr_pr, "w:cantSplit")
        if height:
            set_child(tr_pr, "w:trHeight", val=height, hRule="atLeast")


def _title_paragraph(body):
    for p in body.iterchildren(qn("w:p")):
        if "年度报告" in "".join(t.text or "" for t in p.iter(qn("w:t"))):
            return p
    return None


def relayout(source: Path, target: Path, lay: Layout, rng: np.random.Generator) -> None:
    """Write `source` laid out as `lay` says to `target` (text and numbers untouched)."""
    make_variant(
        source,
        target,
        lay.font,
        size=lay.body_half_pt,
        after=lay.after,
        pad=lay.pad,
        before=lay.before,
    )
    document = docx.Document(str(target))
    section = document.sections[0]
    left, right, top, bottom = (Cm(c) for c in lay.margins_cm)
    section.left_margin, section.right_margin = left, right
    section.top_margin, section.bottom_margin = top, bottom
    text_width = int((section.page_width - left - right) / 635)  # EMU -> twips
    body = document.element.body
    for index, tbl in enumerate(body.iterchildren(qn("w:tbl"))):
        fit, widths = _fitted(tbl, lay, index, text_width)
        if fit != (lay.table_half_pt, lay.cell_pad[0]):
            lay.table_fit[str(index)] = fit
        for run in tbl.iter(qn("w:r")):
            set_child(run_properties(run), "w:sz", val=fit.half_pt)
            set_child(run_properties(run), "w:szCs", val=fit.half_pt)
        _set_cell_padding(tbl, fit.pad, lay.cell_pad[1])
        _set_widths(tbl, widths)
        line = fit.half_pt * 10 * 1.3
        heights = [
            int(draw(rng, LAYOUT["row_height_lines"]) * line)
            if rng.random() < LAYOUT["tall_rows"]
            else 0
            for _ in tbl.findall(qn("w:tr"))
        ]
        lay.row_heights[str(index)] = heights
        _set_rows(tbl, heights)
    title = _title_paragraph(body) if lay.title_page else None
    if title is not None:  # a cover page: the title lower down, then a page break
        ppr = title.find(qn("w:pPr"))
        if ppr is None:
            ppr = title.makeelement(qn("w:pPr"), {})
            title.insert(0, ppr)
        set_child(ppr, "w:spacing", before=int(rng.integers(1500, 5000)), beforeAutospacing=0)
        run = title.makeelement(qn("w:r"), {})
        run.append(run.makeelement(qn("w:br"), {qn("w:type"): "page"}))
        title.append(run)
    document.save(str(target))


def digits_lost(docx_path: Path, pdf_path: Path) -> int:
    """How many of the document's digits its printed PDF lacks. LibreOffice sometimes leaves
    out the rest of a table that starts at a page's foot (seed 23's d005 printed 2 of table
    二's 14 rows); the scans of such a print hold less than their truth. Digits, counted each
    on its own, do not care how a cell's text wraps."""
    body = docx.Document(str(docx_path)).element.body
    written = Counter(c for t in body.iter(qn("w:t")) for c in t.text or "" if c.isdigit())
    with pdfplumber.open(pdf_path) as pdf:
        printed = Counter(c["text"] for page in pdf.pages for c in page.chars)
    return sum(max(0, n - printed[d]) for d, n in written.items())


def print_pdfs(docx_files: list[Path], out_dir: Path, work: Path) -> None:
    """LibreOffice headless, one call for all files, with a private profile."""
    if shutil.which("soffice") is None:
        sys.exit("soffice not found: LibreOffice is needed to make a corpus")
    convert(docx_files, out_dir, work, timeout=900)


# ---------------------------------------------------------------- 2. what the printed PDF holds


@dataclass
class PageFacts:
    """One printed page: where its tables and rules are (PDF points, origin top-left)."""

    width: float
    height: float
    tables: list[tuple[float, float, float, float]]
    rules: list[tuple[float, float, float, float, str]]  # x0, top, x1, bottom, "h" or "v"
    continued_top: float | None  # top of a table continued from the page before, if any


def page_facts(pdf_path: Path) -> list[PageFacts]:
    facts = []
    with pdfplumber.open(pdf_path) as pdf:
        previous_had_table = False
        for page in pdf.pages:
            boxes = [tuple(t.bbox) for t in page.find_tables()]
            rules = [
                (e["x0"], e["top"], e["x1"], e["bottom"], e["orientation"])
                for e in page.edges
                if e["orientation"] in ("h", "v")
            ]
            continued = None
            if boxes and previous_had_table:
                first = min(boxes, key=lambda b: b[1])
                if not any(c["bottom"] <= first[1] + 0.5 for c in page.chars):
                    continued = first[1]
            facts.append(PageFacts(page.width, page.height, boxes, rules, continued))
            previous_had_table = bool(boxes)
    return facts


# ---------------------------------------------------------------- 3. paper: rules and seal


def _rule_mask(facts: PageFacts, scale: float, shape: tuple[int, int]) -> list[np.ndarray]:
    """One mask per ruling line: the pixels it covers (a little wider than drawn)."""
    masks = []
    for x0, top, x1, bottom, _ in facts.rules:
        m = np.zeros(shape, np.uint8)
        a = (int(x0 * scale) - 1, int(top * scale) - 1)
        b = (math.ceil(x1 * scale) + 1, math.ceil(bottom * scale) + 1)
        cv2.rectangle(m, a, b, 255, -1)
        masks.append(m)
    return masks


def fade_rules(img, facts, scale, darkness, gaps_per_100, rng) -> None:
    """Ruling lines at `darkness` of their printed ink, broken by gaps (in place)."""
    ink = (img if img.ndim == 2 else img.min(axis=2)) < 170
    for (x0, top, x1, bottom, orient), mask in zip(
        facts.rules, _rule_mask(facts, scale, img.shape[:2])
    ):
        on = (mask > 0) & ink
        shade = float(np.clip(darkness + rng.normal(0, 0.06), 0.3, 1.0))
        img[on] = (255 - shade * (255 - img[on].astype(np.float32))).astype(np.uint8)
        length = ((x1 - x0) if orient == "h" else (bottom - top)) * scale
        for _ in range(rng.poisson(gaps_per_100 * length / 100)):
            at = rng.uniform(0, 1)
            size = rng.uniform(2, 12) * scale / (200 / 72)
            if orient == "h":
                gx = int(x0 * scale + at * length)
                img[int(top * scale) - 2 : int(bottom * scale) + 3, gx : gx + int(size) + 1] = 255
            else:
                gy = int(top * scale + at * length)
                img[gy : gy + int(size) + 1, int(x0 * scale) - 2 : int(x1 * scale) + 3] = 255


def edit_top_rule(img, facts: PageFacts, scale: float, how: str) -> None:
    """On a continuation page, the table's top rule left out or drawn twice (in place)."""
    top = facts.continued_top
    if top is None or how == "as_printed":
        return
    for x0, y0, x1, y1, orient in facts.rules:
        if orient != "h" or abs(y0 - top) > 1.5:
            continue
        r0, r1 = int(y0 * scale) - 1, math.ceil(y1 * scale) + 2
        c0, c1 = int(x0 * scale), math.ceil(x1 * scale) + 1
        if how == "missing":
            img[r0:r1, c0:c1] = 255
        else:  # doubled: a second rule a few points above
            shift = round(2.5 * scale)
            band = img[r0:r1, c0:c1].copy()
            img[r0 - shift : r1 - shift, c0:c1] = np.minimum(
                img[r0 - shift : r1 - shift, c0:c1], band
            )


def seal_image(agency: str, diameter: int, rng: np.random.Generator) -> np.ndarray:
    """A round official seal as an alpha map in [0, 1]: ring, star, agency name on the arc."""
    size = diameter + 8
    im = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(im)
    c = size / 2
    ring = max(2, diameter // 28)
    d.ellipse(
        [c - diameter / 2, c - diameter / 2, c + diameter / 2, c + diameter / 2],
        outline=255,
        width=ring,
    )
    star_r = diameter * 0.16
    points = [
        (
            c + (star_r if k % 2 == 0 else star_r * 0.38) * math.sin(k * math.pi / 5),
            c - (star_r if k % 2 == 0 else star_r * 0.38) * math.cos(k * math.pi / 5),
        )
        for k in range(10)
    ]
    d.polygon(points, fill=255)
    font = ImageFont.truetype(SEAL_FONT, max(8, int(diameter * 0.13)))
    text = agency[:16]
    arc = math.radians(min(250, 20 * len(text)))
    radius = diameter / 2 - ring - diameter * 0.1
    for i, ch in enumerate(text):
        angle = -arc / 2 + arc * (i + 0.5) / len(text)  # 0 = straight up, clockwise positive
        glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(glyph).text((font.size / 2, font.size / 2), ch, fill=255, font=font)
        glyph = glyph.rotate(-math.degrees(angle), resample=Image.BICUBIC)
        gx = c + radius * math.sin(angle) - font.size
        gy = c - radius * math.cos(angle) - font.size
        im.paste(255, (int(gx), int(gy)), glyph)
    alpha = np.asarray(im, np.float32) / 255
    # Stamp ink is uneven: blotchy strength, a few bare patches.
    blotch = cv2.GaussianBlur(rng.random((size, size)).astype(np.float32), (0, 0), size / 30)
    blotch = (blotch - blotch.min()) / max(float(np.ptp(blotch)), 1e-6)
    alpha *= np.clip(0.55 + 0.6 * blotch, 0, 1)
    return cv2.GaussianBlur(alpha, (0, 0), 0.6)


def stamp_seal(img: np.ndarray, facts: PageFacts, scale: float, agency: str, rng) -> dict:
    """Stamp a red seal over part of the page's last table (img: RGB, in place)."""
    x0, top, x1, bottom = max(facts.tables, key=lambda b: b[3])
    diameter = int(rng.uniform(38, 44) / 25.4 * 72 * scale)
    cx = int(rng.uniform(x0 + 0.35 * (x1 - x0), x1) * scale)
    cy = int(rng.uniform(top + 0.2 * (bottom - top), bottom + 20) * scale)
    alpha = seal_image(agency, diameter, rng)
    alpha = np.asarray(Image.fromarray(alpha).rotate(rng.uniform(-25, 25)))  # a hand-held angle
    red = np.array([rng.uniform(195, 235), rng.uniform(20, 60), rng.uniform(30, 70)], np.float32)
    h, w = img.shape[:2]
    s = alpha.shape[0]
    ax, ay = cx - s // 2, cy - s // 2
    sx0, sy0 = max(0, -ax), max(0, -ay)
    sx1, sy1 = min(s, w - ax), min(s, h - ay)
    if sx1 <= sx0 or sy1 <= sy0:
        return {}
    a = alpha[sy0:sy1, sx0:sx1, None] * rng.uniform(0.75, 0.95)
    region = img[ay + sy0 : ay + sy1, ax + sx0 : ax + sx1].astype(np.float32)
    region *= 1 - a + a * red / 255  # ink over ink: multiply, the text stays visible
    img[ay + sy0 : ay + sy1, ax + sx0 : ax + sx1] = np.clip(region, 0, 255).astype(np.uint8)
    return {"centre_pt": [round(cx / scale, 1), round(cy / scale, 1)], "diameter_px": diameter}


# ---------------------------------------------------------------- 4. degradation


def draw_page_params(r: Ranges, rng: np.random.Generator) -> dict:
    p = {
        "skew": round(float(rng.uniform(-r.skew, r.skew)), 2),
        "quarter_turn": int(rng.choice([90, 180, 270])) if rng.random() < r.quarter_turn else 0,
    }
    for name in (
        "blur",
        "noise",
        "specks",
        "jpeg",
        "paper",
        "ink",
        "shading",
        "rule_darkness",
        "rule_gaps",
        "threshold",
    ):
        p[name] = round(draw(rng, getattr(r, name)), 6)
    p["dust"] = int(draw(rng, r.dust))
    p["jpeg"] = int(p["jpeg"])
    if r.photo:
        for name in ("keystone", "curl", "barrel", "shadow"):
            p[name] = round(draw(rng, getattr(r, name)), 4)
    return p


def to_paper(img: np.ndarray, p: dict, rng: np.random.Generator) -> np.ndarray:
    """White -> paper gray, black -> toner gray, times an uneven illumination (float)."""
    f = img.astype(np.float32) / 255.0
    paper = (
        np.array([p["paper"], p["paper"] - 3, p["paper"] - 9], np.float32)
        if img.ndim == 3
        else np.float32(p["paper"])
    )
    f = p["ink"] + (paper - p["ink"]) * f
    light = _illumination(img.shape[0], img.shape[1], p["shading"], rng)
    return f * (light[:, :, None] if img.ndim == 3 else light)


def sensor(f: np.ndarray, p: dict, dpi: float, rng: np.random.Generator) -> np.ndarray:
    """Blur, gaussian noise, salt-and-pepper specks and dust (float in, float out)."""
    h, w = f.shape[:2]
    if p["blur"] > 0:
        f = cv2.GaussianBlur(f, (0, 0), sigmaX=p["blur"])
    f = f + p["noise"] * rng.standard_normal(f.shape, dtype=np.float32)
    n = int(p["specks"] * h * w)
    if n:
        ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
        dark = rng.random(n) < 0.8
        f[ys[dark], xs[dark]] = rng.uniform(0, 80, int(dark.sum()))[
            (slice(None),) + ((None,) if f.ndim == 3 else ())
        ]
        f[ys[~dark], xs[~dark]] = 255.0
    k = dpi / 300
    for _ in range(p["dust"]):
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        radius = max(1, round(rng.uniform(1, 3) * k))
        shade = float(rng.uniform(20, 90))
        cv2.circle(f, centre, radius, (shade,) * (3 if f.ndim == 3 else 1), -1, cv2.LINE_AA)
    return f


def scan_page(img: np.ndarray, p: dict, dpi: float, rng: np.random.Generator) -> np.ndarray:
    """A flatbed or feeder scan of one rendered page (uint8 gray or RGB)."""
    if p["quarter_turn"]:
        img = cv2.rotate(img, _QUARTER[p["quarter_turn"]])
    img = _skew(img, p["skew"], margin=max(2, round(8 * dpi / 300)))
    f = sensor(to_paper(img, p, rng), p, dpi, rng)
    return np.clip(np.rint(f), 0, 255).astype(np.uint8)


def fax_page(img: np.ndarray, p: dict, dpi: float, rng: np.random.Generator) -> np.ndarray:
    """A fax: a scan thresholded to 1 bit (0 or 255), strokes thinned and broken where faint."""
    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    scanned = scan_page(gray, p, dpi, rng)
    return np.where(scanned < p["threshold"], 0, 255).astype(np.uint8)


def _background(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A desk: a darker surface with a low-frequency grain (RGB float)."""
    base = np.array(
        rng.choice([[120, 95, 70], [90, 90, 95], [150, 130, 105], [60, 60, 65], [170, 165, 155]]),
        np.float32,
    ) * rng.uniform(0.8, 1.1)
    small = rng.normal(0, 1, (max(2, h // 40), max(2, w // 40))).astype(np.float32)
    grain = cv2.resize(cv2.GaussianBlur(small, (0, 0), 1.5), (w, h))
    return np.clip(base[None, None, :] * (1 + 0.08 * grain[:, :, None]), 0, 255)


def _bend(img: np.ndarray, curl: float, barrel: float, rng: np.random.Generator) -> np.ndarray:
    """Page curl (one edge lifts, lines bend near it) and barrel distortion, by remapping."""
    h, w = img.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = xs / w - 0.5, ys / h - 0.5
    r2 = u * u + v * v
    mx = (u * (1 + barrel * r2) + 0.5) * w
    my = (v * (1 + barrel * r2) + 0.5) * h
    edge = rng.choice(["left", "right", "bottom"])
    if edge in ("left", "right"):
        t = np.clip((u if edge == "right" else -u) * 2 - 0.6, 0, None) / 0.4  # last 20 %
        my = my + curl * h * t**2 * np.sign(v + 1e-6) * np.abs(v) * 2
    else:
        t = np.clip(v * 2 - 0.6, 0, None) / 0.4
        mx = mx + curl * w * t**2 * u * 2
    fill = (255,) * (3 if img.ndim == 3 else 1)
    return cv2.remap(
        img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill
    )


def photo_page(img: np.ndarray, p: dict, megapixels: float, rng: np.random.Generator) -> np.ndarray:
    """A phone photo of one rendered page (RGB uint8): on a desk, tilted, curled, shadowed."""
    f = to_paper(img, p, rng)
    f = _bend(np.clip(f, 0, 255).astype(np.uint8), p["curl"], p["barrel"], rng).astype(np.float32)
    ph, pw = f.shape[:2]
    fh = int(math.sqrt(megapixels * 1e6 * 4 / 3))
    fw = int(fh * 3 / 4)
    fill = rng.uniform(0.78, 0.93)
    s = fill * fh / ph
    qw, qh = pw * s, ph * s
    cx, cy = fw / 2 + rng.uniform(-0.04, 0.04) * fw, fh / 2 + rng.uniform(-0.03, 0.03) * fh
    quad = np.array([[-qw / 2, -qh / 2], [qw / 2, -qh / 2], [qw / 2, qh / 2], [-qw / 2, qh / 2]])
    # Keystone: the camera tilted by `keystone` degrees: the far edge comes out shorter.
    shrink = math.tan(math.radians(p["keystone"])) * 0.9
    side = int(rng.integers(4))
    far = {0: [0, 1], 1: [1, 2], 2: [2, 3], 3: [3, 0]}[side]
    for i in far:
        centre = quad[far].mean(axis=0)
        quad[i] = centre + (quad[i] - centre) * (1 - shrink)
    angle = math.radians(p["skew"])
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    quad = quad @ rot.T + [cx, cy] + rng.normal(0, 0.004 * fw, (4, 2))
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    page = cv2.warpPerspective(f, m, (fw, fh), flags=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones((ph, pw), np.float32), m, (fw, fh))[:, :, None]
    out = _background(fh, fw, rng) * (1 - mask) + page * mask
    out *= _shadow(fh, fw, p["shadow"], rng)[:, :, None]
    out *= np.array([1.0, rng.uniform(0.97, 1.0), rng.uniform(0.9, 0.98)], np.float32)  # warm light
    p = dict(p, blur=p["blur"] * fh / 3000, specks=0.0, dust=0)
    out = sensor(out, p, 300, rng)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _shadow(h: int, w: int, strength: float, rng: np.random.Generator) -> np.ndarray:
    """A soft shadow cast from one corner (the phone, a hand): 1 - strength inside it."""
    full = (w, h)
    h, w = h // 8, w // 8  # drawn and blurred small, then enlarged: it is smooth anyway
    m = np.zeros((h, w), np.float32)
    corner = np.array([[0, 0], [w, 0], [w, h], [0, h]][int(rng.integers(4))], np.float32)
    reach = rng.uniform(0.25, 0.6)
    toward = np.array([w / 2, h / 2], np.float32) - corner  # from the corner to the centre
    offsets = np.array([[0, 0], [2, 0], [1.2, 1.6], [0, 2]], np.float32) * reach
    pts = np.rint(corner + offsets * toward).astype(np.int32)
    cv2.fillPoly(m, [pts], 1.0)
    m = cv2.resize(cv2.GaussianBlur(m, (0, 0), 0.04 * w), full, interpolation=cv2.INTER_LINEAR)
    return 1 - strength * m


# ---------------------------------------------------------------- 5. containers


def write_container(images, qualities, container, dpi, out_dir: Path, base: str) -> Path:
    if container == "jpg_folder":
        folder = out_dir / base
        folder.mkdir(parents=True, exist_ok=True)
        for i, (im, q) in enumerate(zip(images, qualities), 1):
            im.save(folder / f"p{i:02d}.jpg", "JPEG", quality=q, optimize=True)
        return folder
    if container == "pdf":
        path = out_dir / f"{base}.pdf"
        # One JPEG per page at its own quality: each page is JPEG-encoded first, and the PDF
        # re-encodes it with the same tables ("keep"), so no second, coarser compression.
        pages = [_jpeg_roundtrip(im, q) for im, q in zip(images, qualities)]
        pages[0].save(
            path,
            "PDF",
            save_all=True,
            append_images=pages[1:],
            quality="keep",
            subsampling="keep",
            resolution=dpi,
            title=base,
            creationDate=None,
            modDate=None,
        )
        return path
    path = out_dir / f"{base}.tiff"
    if images[0].mode == "1":
        images[0].save(
            path,
            "TIFF",
            save_all=True,
            append_images=images[1:],
            dpi=(dpi, dpi),
            compression="group4",
        )
    else:
        images[0].save(
            path,
            "TIFF",
            save_all=True,
            append_images=images[1:],
            dpi=(dpi, dpi),
            compression="jpeg",
            quality=int(np.median(qualities)),
        )
    return path


# ---------------------------------------------------------------- one document


@dataclass
class Plan:
    """What one drawn document is before its pages are made."""

    index: int
    stem: str
    category: str
    container: str
    dpi: int
    megapixels: float
    color: bool
    seal: bool
    tables_only: bool
    layout: Layout
    pages: list[int] = field(default_factory=list)
    max_jpeg: int = 100
    layout_attempt: int = 0  # laid out again when a print lost digits (see digits_lost)


def drawn_again(rng: np.random.Generator, committed: bool) -> Layout:
    """Another layout for a document whose print lost digits (see digits_lost)."""
    again = draw_layout(rng)
    return dataclasses.replace(again, **COMMITTED_LAYOUT) if committed else again


def plan_documents(seed: int, count: int, committed: bool = False) -> list[Plan]:
    srcs = sorted(sources())
    cats = list(CATEGORIES)
    plans = []
    chosen = COMMITTED if committed else [None] * count
    for index, fixed in enumerate(chosen):
        rng = rng_for(seed, index)
        if fixed:
            category, prefix, _ = fixed
            stem = next(s for s in srcs if s.startswith(prefix))
        else:
            category = cats[index % len(cats)]
            stem = srcs[int(rng.integers(len(srcs)))]
        r = CATEGORIES[category]
        containers = CONTAINERS[category]
        plans.append(
            Plan(
                index=index,
                stem=stem,
                category=category,
                container=str(containers[int(rng.integers(len(containers)))]),
                dpi=int(rng.integers(r.dpi[0], r.dpi[1] + 1)) if r.dpi[1] else 0,
                megapixels=round(draw(rng, r.megapixels), 1),
                color=bool(rng.random() < r.color),
                seal=bool(rng.random() < r.seal),
                tables_only=committed or bool(rng.random() < LAYOUT["tables_only"]),
                layout=draw_layout(rng),
            )
        )
        if fixed:
            layout = dataclasses.replace(plans[-1].layout, **COMMITTED_LAYOUT)
            plans[-1] = dataclasses.replace(
                plans[-1], layout=layout, max_jpeg=COMMITTED_MAX_JPEG, **fixed[2]
            )
    return plans


def make_page(plan, r, facts, pdf, page_no, agency, seed, seal_page) -> tuple[Image.Image, dict]:
    rng = rng_for(seed, plan.index, page_no)
    p = draw_page_params(r, rng)
    p["jpeg"] = min(p["jpeg"], plan.max_jpeg)
    if r.photo:  # render just fine enough for the frame the camera gives the page
        dpi = float(
            np.clip(math.sqrt(plan.megapixels * 1e6 * 4 / 3) * 0.95 / 11.69 * 1.2, 110, 300)
        )
    else:
        dpi = plan.dpi
    color = plan.color or r.photo or (plan.seal and page_no == seal_page)
    img = _render(pdf, page_no, dpi, color)
    scale = dpi / 72
    page = facts[page_no - 1]
    p["top_rule"] = "as_printed"
    if page.continued_top is not None:
        p["top_rule"] = str(rng.choice(LAYOUT["continuation_top_rule"]))
        edit_top_rule(img, page, scale, p["top_rule"])
    if p["rule_darkness"] < 1 or p["rule_gaps"] > 0:
        fade_rules(img, page, scale, p["rule_darkness"], p["rule_gaps"], rng)
    if plan.seal and page_no == seal_page:
        p["seal"] = stamp_seal(img, page, scale, agency, rng)
    if r.photo:
        out = photo_page(img, p, plan.megapixels, rng)
        if p["quarter_turn"]:
            out = cv2.rotate(out, _QUARTER[p["quarter_turn"]])
        return Image.fromarray(out, "RGB"), p
    if r.fax:
        return Image.fromarray(fax_page(img, p, dpi, rng)).convert("1", dither=Image.NONE), p
    if img.ndim == 3 and not plan.color:  # only the seal page was rendered in colour
        img = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    out = scan_page(img, p, dpi, rng)
    return Image.fromarray(out, "RGB" if out.ndim == 3 else "L"), p


def make_document(plan: Plan, pdf_path: Path, out_dir: Path, seed: int, wide: bool) -> dict:
    stem_path, agency, year, template = sources()[plan.stem]
    r = widened(CATEGORIES[plan.category]) if wide else CATEGORIES[plan.category]
    facts = page_facts(pdf_path)
    with_tables = [i + 1 for i, f in enumerate(facts) if f.tables]
    plan.pages = with_tables if plan.tables_only else list(range(1, len(facts) + 1))
    seal_page = with_tables[int(rng_for(seed, plan.index, "seal").integers(len(with_tables)))]
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        made = [make_page(plan, r, facts, pdf, n, agency, seed, seal_page) for n in plan.pages]
    finally:
        pdf.close()
    images = [im for im, _ in made]
    base = f"{plan.stem}.{plan.category}.d{plan.index:03d}"
    dpi = plan.dpi or round(images[0].size[0] / 8.27)
    path = write_container(images, [p["jpeg"] for _, p in made], plan.container, dpi, out_dir, base)
    return {
        "file": path.name,
        "source": plan.stem,
        "source_docx": str(stem_path.relative_to(ROOT)),
        "template": template,
        "category": plan.category,
        "container": plan.container,
        "dpi": plan.dpi or None,
        "megapixels": plan.megapixels if CATEGORIES[plan.category].photo else None,
        "color": plan.color,
        "seal_page": seal_page if plan.seal else None,
        "pages": plan.pages,
        "printed_pages": len(facts),
        "page1_included": 1 in plan.pages,
        "agency": agency,
        "year": year,
        "continuations": [i + 1 for i, f in enumerate(facts) if f.continued_top is not None],
        "layout": dataclasses.asdict(plan.layout),
        "layout_attempt": plan.layout_attempt,
        "page_params": [p for _, p in made],
    }


# ---------------------------------------------------------------- the corpus


def _make_and_say(plan: Plan, pdf: Path, out_dir: Path, seed: int, wide: bool) -> dict:
    started = time.perf_counter()
    doc = make_document(plan, pdf, out_dir, seed, wide)
    print(
        f"{doc['file']:48} {len(doc['pages'])} page(s) of {doc['printed_pages']}  "
        f"{doc['container']:10} {time.perf_counter() - started:5.1f}s",
        flush=True,
    )
    return doc


def make_corpus(
    out_dir: Path,
    seed: int,
    count: int,
    wide: bool = False,
    committed: bool = False,
    jobs: int = 2,
) -> dict:
    """Draw `count` documents (or the committed subset) into `out_dir`; the manifest."""
    plans = plan_documents(seed, count, committed)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-corpus-") as tmp:
        work = Path(tmp)
        (work / "docx").mkdir()
        docx_files = [work / "docx" / f"d{plan.index:03d}.docx" for plan in plans]
        pdfs = [work / "pdf" / f"{d.stem}.pdf" for d in docx_files]
        pending = list(plans)
        for attempt in range(PRINT_ATTEMPTS):
            for plan in pending:
                if attempt:
                    again = rng_for(seed, plan.index, "layout", attempt)
                    plan.layout = drawn_again(again, committed)
                    plan.layout_attempt = attempt
                rows = ("rows", attempt) if attempt else ("rows",)  # attempt 0: as drawn before
                rng = rng_for(seed, plan.index, *rows)
                relayout(sources()[plan.stem][0], docx_files[plan.index], plan.layout, rng)
            print_pdfs([docx_files[plan.index] for plan in pending], work / "pdf", work)
            pending = [p for p in pending if digits_lost(docx_files[p.index], pdfs[p.index])]
            if not pending:
                break
            names = ", ".join(f"d{p.index:03d}" for p in pending)
            print(f"LibreOffice left digits out of {names} (layout {attempt + 1})", flush=True)
        if pending:
            sys.exit(f"printed without some digits after {PRINT_ATTEMPTS} layouts each")
        jobs_args = [(plan, pdf, out_dir, seed, wide) for plan, pdf in zip(plans, pdfs)]
        with multiprocessing.get_context("fork").Pool(max(1, jobs)) as pool:
            documents = pool.starmap(_make_and_say, jobs_args, chunksize=1)
    manifest = {
        "seed": seed,
        "wide": wide,
        "committed": committed,
        "ranges": {
            name: dataclasses.asdict(widened(r) if wide else r) for name, r in CATEGORIES.items()
        },
        "layout_ranges": LAYOUT,
        "documents": documents,
    }
    (out_dir / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def load_manifest(corpus: Path) -> dict:
    return json.loads((corpus / MANIFEST).read_text(encoding="utf-8"))


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*")) if path.is_dir() else path.stat().st_size


def missing_fonts() -> list[str]:
    """The layout's font families and the seal's font file that this machine lacks. LibreOffice
    puts another font in place of a missing one without a word, and the seal cannot be drawn."""
    listed = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, check=False
    ).stdout
    families = {f.strip() for line in listed.splitlines() for f in line.split(",")}
    missing = [f for f in LAYOUT["fonts"] if f not in families]
    return missing + ([SEAL_FONT] if not Path(SEAL_FONT).exists() else [])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--seed",
        type=int,
        default=TUNE_SEED,
        help=f"{TUNE_SEED} = tune draw, {FRESH_SEED} = fresh draw",
    )
    ap.add_argument("--documents", type=int, default=42)
    ap.add_argument("--wide", action="store_true", help="widen every range a little")
    ap.add_argument("--jobs", type=int, default=2, help="documents made at once")
    ap.add_argument("--out", type=Path, help="corpus folder (default /tmp/corpus-seed<N>)")
    ap.add_argument(
        "--committed",
        action="store_true",
        help=f"write the small committed subset to {COMMITTED_DIR.relative_to(ROOT)}/",
    )
    args = ap.parse_args(argv)
    missing = missing_fonts()
    if missing:
        print(
            f"Fonts missing: {', '.join(missing)}. Install them with "
            f"`apt-get install {' '.join(FONT_PACKAGES)}` (a draw drawn without them is another).",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    if args.committed:
        out = COMMITTED_DIR
        if out.exists():
            shutil.rmtree(out)
        manifest = make_corpus(out, TUNE_SEED, len(COMMITTED), committed=True, jobs=args.jobs)
    else:
        out = args.out or Path(f"/tmp/corpus-seed{args.seed}")
        manifest = make_corpus(out, args.seed, args.documents, args.wide, jobs=args.jobs)
    total = sum(_size(out / d["file"]) for d in manifest["documents"])
    pages = sum(len(d["pages"]) for d in manifest["documents"])
    print(
        f"{len(manifest['documents'])} documents, {pages} pages, {total / 1e6:.1f} MB in {out} "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
