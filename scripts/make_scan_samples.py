"""Make simulated scans of the born-digital seed PDFs: samples/scans/<seed>.<level>[.p<N>].<ext>.

The sources are the samples/pdf/*.wqy-zenhei.pdf files (only read). Each page is rendered with
pypdfium2 and then put through what an office scanner does to a sheet of paper, in this order:

  1. the page lies on the glass turned by a quarter turn (``rotate``, clockwise: 90 means the
     text reads top to bottom and the image is landscape), or not;
  2. skew: it is rotated about its centre by a random angle within ±``max_skew`` degrees, in a
     frame of the same size filled with paper white; if a corner of the printed content would
     leave the frame, the page is shifted (and, if it still does not fit, shrunk) so that nothing
     is cut;
  3. paper and toner: white becomes ``paper`` gray, black becomes ``ink`` gray, and an uneven
     illumination (a linear fall-off in a random direction plus a vignette, at most ``shading``)
     darkens parts of the page;
  4. optics: a gaussian blur, ``blur300`` px at 300 dpi, scaled by dpi/300;
  5. sensor: gaussian noise (``noise`` gray levels), salt-and-pepper specks (``specks``, a
     fraction of the pixels, mostly dark) and a few dust dots;
  6. JPEG at ``jpeg_quality`` (grayscale by default, like an office scanner; ``color=True``
     gives a slightly warm RGB scan instead).

The containers are written with Pillow:
  pdf   image-only PDF, one JPEG (DCTDecode) image per page at the scan's dpi, no text layer;
  tiff  multi-page TIFF, JPEG-compressed, with the dpi;
  jpg   one JPEG per page, with the dpi;
  png   one PNG per page, with the dpi (the JPEG artefacts are baked in first).
Per-page files get ``.p<N>`` (1-based source page) in their name. PDFs get no dates or producer,
and TIFFs no DateTime or Software tag, so a rerun writes the same bytes (with the same numpy,
OpenCV, Pillow/libjpeg and pdfium). Every random draw comes from a generator seeded with
sha256(seed stem | level | page number), so a page looks the same whichever pages or container
it is generated with, and ``page_params()`` tells its skew angle without generating anything.

Run (about 10 s) to rebuild the small committed set in samples/scans/ and docs/scan-samples.md, then
read every file back (pages, pixel size, dpi, and that the PDFs have no text layer):

    .venv/bin/python scripts/make_scan_samples.py

A larger set for the benchmark, into any folder:

    .venv/bin/python scripts/make_scan_samples.py --out /tmp/scans --levels clean300 poor150 \\
        [--seeds 000 002] [--container pdf|tiff|jpg|png] [--pages all|tables|applications|3,4]

or from Python: ``generate(Path("/tmp/scans"), ["office200", "rotated90"])`` (see generate()).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
PDF_DIR = ROOT / "samples" / "pdf"
SCAN_DIR = ROOT / "samples" / "scans"
SOURCE_FONT = "wqy-zenhei"
CONTAINERS = ("pdf", "tiff", "jpg", "png")


@dataclass(frozen=True)
class Level:
    """One degradation level. Gray levels are 0 (black) to 255 (white)."""

    dpi: int
    max_skew: float  # degrees; each page is turned by uniform(-max_skew, max_skew)
    noise: float  # std of the gaussian sensor noise, gray levels
    specks: float  # salt-and-pepper: fraction of pixels set dark (80%) or white (20%)
    dust: int  # dark dust dots per page (radius 1-3 px at 300 dpi)
    blur300: float  # gaussian blur sigma in px at 300 dpi (scaled by dpi/300); 0 = none
    jpeg_quality: int
    paper: int  # gray of blank paper
    ink: int  # gray of solid black print
    shading: float  # strongest illumination fall-off, as a fraction of the brightness
    rotate: int = 0  # quarter turn of the page on the glass, clockwise: 0, 90, 180, 270
    about: str = ""


_OFFICE = dict(
    dpi=200,
    max_skew=2.0,
    noise=5.0,
    specks=2e-4,
    dust=12,
    blur300=0.7,
    jpeg_quality=60,
    paper=238,
    ink=35,
    shading=0.06,
)

LEVELS: dict[str, Level] = {
    "clean300": Level(
        dpi=300,
        max_skew=0.5,
        noise=1.5,
        specks=2e-5,
        dust=3,
        blur300=0.0,
        jpeg_quality=90,
        paper=248,
        ink=20,
        shading=0.02,
        about="good flatbed scan: 300 dpi, barely skewed, light noise, JPEG q90",
    ),
    "office200": Level(
        **_OFFICE, about="office MFP: 200 dpi, skew up to 2°, noise, mild blur, JPEG q60"
    ),
    "poor150": Level(
        dpi=150,
        max_skew=3.0,
        noise=9.0,
        specks=6e-4,
        dust=25,
        blur300=1.0,
        jpeg_quality=40,
        paper=225,
        ink=50,
        shading=0.10,
        about="poor scan: 150 dpi, skew up to 3°, more noise, blur, JPEG q40",
    ),
    "rotated90": Level(
        **_OFFICE, rotate=90, about="as office200, page fed sideways: content turned 90° clockwise"
    ),
    "rotated180": Level(
        **_OFFICE, rotate=180, about="as office200, page fed upside down: content turned 180°"
    ),
}

# The small committed set: (seed prefix, level, container, pages).
COMMITTED = [
    ("000", "clean300", "pdf", "tables"),  # all 7 pages would be 7 MB
    ("002", "office200", "tiff", "tables"),
    ("003", "poor150", "pdf", "all"),
    ("004", "rotated90", "jpg", "applications"),
    ("001", "rotated180", "png", [5]),  # most of its applications table and table 4, upside down
]


# ---------------------------------------------------------------- sources and pages


def seed_sources(seeds: Sequence[str] | None = None) -> list[Path]:
    """The wqy-zenhei source PDFs, all or those whose name starts with one of ``seeds``."""
    found = sorted(PDF_DIR.glob(f"*.{SOURCE_FONT}.pdf"))
    if seeds is None:
        return found
    chosen = []
    for seed in seeds:
        hits = [p for p in found if p.name.startswith(seed)]
        if len(hits) != 1:
            raise ValueError(f"seed {seed!r} matches {len(hits)} source PDFs in {PDF_DIR}")
        chosen.append(hits[0])
    return chosen


def seed_stem(src: Path) -> str:
    """000_de4a6e6b343917dd.wqy-zenhei.pdf -> 000_de4a6e6b343917dd."""
    return src.name.split(".")[0]


@cache
def _table_texts(src: Path) -> tuple[str, ...]:
    """Per page, the text of the tables pdfplumber finds on it ('' if none), no whitespace."""
    texts = []
    with pdfplumber.open(src) as pdf:
        for page in pdf.pages:
            cells = [c or "" for t in page.find_tables() for row in t.extract() for c in row]
            texts.append("".join("".join(cells).split()) if cells else "")
    return tuple(texts)


def table_pages(src: Path) -> list[int]:
    """1-based pages holding (a piece of) any of the three tables."""
    return [i + 1 for i, t in enumerate(_table_texts(src)) if t]


def applications_pages(src: Path) -> list[int]:
    """1-based pages of the applications table: from 本年新收 to 四、结转 (its last row)."""
    texts = _table_texts(src)
    first = next(i for i, t in enumerate(texts) if "本年新收" in t)
    last = next(i for i in range(first, len(texts)) if "四、结转" in texts[i])
    return list(range(first + 1, last + 2))


def select_pages(src: Path, pages: str | Sequence[int]) -> list[int]:
    if isinstance(pages, str):
        if pages == "all":
            pdf = pdfium.PdfDocument(src)
            try:
                return list(range(1, len(pdf) + 1))
            finally:
                pdf.close()
        if pages == "tables":
            return table_pages(src)
        if pages == "applications":
            return applications_pages(src)
        raise ValueError(f"pages must be all, tables, applications or page numbers: {pages!r}")
    return [int(p) for p in pages]


# ---------------------------------------------------------------- degradation


def _rng(stem: str, level: str, page_no: int) -> np.random.Generator:
    digest = hashlib.sha256(f"{stem}|{level}|{page_no}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def page_params(stem: str, level: str, page_no: int) -> dict:
    """What is done to one page: the level's parameters plus the skew angle drawn for it.

    ``skew`` is in degrees, counter-clockwise positive (as the page appears in the image),
    rounded to 0.01°; ``rotate`` is the quarter turn (clockwise) applied before it.
    """
    lv = LEVELS[level]
    angle = round(float(_rng(stem, level, page_no).uniform(-lv.max_skew, lv.max_skew)), 2)
    params = asdict(lv)
    params.pop("about")
    return {
        "level": level,
        "page": page_no,
        "skew": angle,
        "blur_px": round(lv.blur300 * lv.dpi / 300, 3),
        **params,
    }


def _render(pdf: pdfium.PdfDocument, page_no: int, dpi: int, color: bool) -> np.ndarray:
    bitmap = pdf[page_no - 1].render(scale=dpi / 72, grayscale=not color)
    arr = bitmap.to_numpy()
    if color:
        arr = cv2.cvtColor(arr, cv2.COLOR_BGR2RGB) if arr.shape[2] == 3 else arr[:, :, 2::-1]
    return np.ascontiguousarray(arr)


_QUARTER = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def _skew(img: np.ndarray, angle: float, margin: int) -> np.ndarray:
    """Rotate about the centre by ``angle`` degrees (CCW), same size, white fill, nothing cut."""
    h, w = img.shape[:2]
    gray = img if img.ndim == 2 else img.min(axis=2)
    ys, xs = np.nonzero(gray < 200)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    if len(xs):
        box = np.array(
            [
                [xs.min(), ys.min(), 1],
                [xs.max(), ys.min(), 1],
                [xs.min(), ys.max(), 1],
                [xs.max(), ys.max(), 1],
            ],
            float,
        )
        span = box @ m.T
        bw, bh = np.ptp(span[:, 0]), np.ptp(span[:, 1])
        scale = min(1.0, (w - 2 * margin) / bw, (h - 2 * margin) / bh)
        if scale < 1.0:  # does not fit even when centred: shrink a little, as "fit to page"
            m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
            span = box @ m.T
        for axis, size in ((0, w), (1, h)):
            lo, hi = span[:, axis].min(), span[:, axis].max()
            m[axis, 2] += max(0.0, margin - lo) - max(0.0, hi - (size - margin))
    fill = (255,) * (1 if img.ndim == 2 else img.shape[2])
    return cv2.warpAffine(
        img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill
    )


def _illumination(h: int, w: int, strength: float, rng: np.random.Generator) -> np.ndarray:
    """A smooth brightness field in [1 - strength, 1]: linear fall-off plus a vignette."""
    theta = rng.uniform(0, 2 * math.pi)
    cx, cy = rng.uniform(0.3, 0.7, size=2)
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    ramp = (x - 0.5) * math.cos(theta) + (y - 0.5) * math.sin(theta)  # in about [-0.7, 0.7]
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    vignette = ((x - cx) ** 2 + (y - cy) ** 2) / 0.5
    field = 0.6 * ramp + 0.4 * np.clip(vignette, 0, 1)
    return 1.0 - strength * field


def degrade_page(img: np.ndarray, stem: str, level: str, page_no: int) -> np.ndarray:
    """One rendered page (uint8, gray HxW or RGB HxWx3, at the level's dpi) -> the scanned page."""
    lv = LEVELS[level]
    rng = _rng(stem, level, page_no)
    angle = round(float(rng.uniform(-lv.max_skew, lv.max_skew)), 2)  # = page_params()["skew"]
    k = lv.dpi / 300
    if lv.rotate:
        img = cv2.rotate(img, _QUARTER[lv.rotate])
    img = _skew(img, angle, margin=max(2, round(8 * k)))
    h, w = img.shape[:2]

    f = img.astype(np.float32) / 255.0
    if img.ndim == 3:  # a slightly warm paper for colour scans
        paper = np.array([lv.paper, lv.paper - 3, lv.paper - 10], np.float32)
    else:
        paper = np.float32(lv.paper)
    f = lv.ink + (paper - lv.ink) * f
    light = _illumination(h, w, lv.shading, rng)
    f = f * (light[:, :, None] if img.ndim == 3 else light)

    if lv.blur300 > 0:
        f = cv2.GaussianBlur(f, (0, 0), sigmaX=lv.blur300 * k)

    f += rng.normal(0.0, lv.noise, size=f.shape).astype(np.float32)

    n = int(lv.specks * h * w)
    if n:
        ys = rng.integers(0, h, n)
        xs = rng.integers(0, w, n)
        dark = rng.random(n) < 0.8
        f[ys[dark], xs[dark]] = (
            rng.uniform(0, 80, int(dark.sum()))[:, None]
            if img.ndim == 3
            else rng.uniform(0, 80, int(dark.sum()))
        )
        f[ys[~dark], xs[~dark]] = 255.0
    for _ in range(lv.dust):
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        radius = max(1, round(rng.uniform(1, 3) * k))
        shade = float(rng.uniform(20, 90))
        cv2.circle(f, centre, radius, (shade,) * (3 if img.ndim == 3 else 1), -1, cv2.LINE_AA)

    return np.clip(np.rint(f), 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- containers


def _jpeg_roundtrip(im: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, optimize=True)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out


def _write(
    images: list[Image.Image], pages: list[int], lv: Level, container: str, out_dir: Path, base: str
) -> list[Path]:
    dpi = (lv.dpi, lv.dpi)
    q = lv.jpeg_quality
    if container == "pdf":
        path = out_dir / f"{base}.pdf"
        images[0].save(
            path,
            "PDF",
            save_all=True,
            append_images=images[1:],
            resolution=lv.dpi,
            quality=q,
            optimize=True,
            title=base,
            creationDate=None,
            modDate=None,
        )
        return [path]
    if container == "tiff":
        path = out_dir / f"{base}.tiff"
        images[0].save(
            path,
            "TIFF",
            save_all=True,
            append_images=images[1:],
            dpi=dpi,
            compression="jpeg",
            quality=q,
        )
        return [path]
    paths = []
    for im, page_no in zip(images, pages):
        path = out_dir / f"{base}.p{page_no}.{container}"
        if container == "jpg":
            im.save(path, "JPEG", quality=q, optimize=True, dpi=dpi)
        else:
            _jpeg_roundtrip(im, q).save(path, "PNG", optimize=True, dpi=dpi)
        paths.append(path)
    return paths


def scan(
    src: Path,
    level: str,
    out_dir: Path,
    container: str = "pdf",
    pages: str | Sequence[int] = "all",
    color: bool = False,
) -> list[Path]:
    """Scan the given pages of one source PDF at one level into one container; the paths."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; known: {', '.join(LEVELS)}")
    if container not in CONTAINERS:
        raise ValueError(f"unknown container {container!r}; known: {', '.join(CONTAINERS)}")
    lv = LEVELS[level]
    stem = seed_stem(src)
    page_list = select_pages(src, pages)
    pdf = pdfium.PdfDocument(src)
    try:
        images = []
        for page_no in page_list:
            arr = degrade_page(_render(pdf, page_no, lv.dpi, color), stem, level, page_no)
            images.append(Image.fromarray(arr, "RGB" if color else "L"))
    finally:
        pdf.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    return _write(images, page_list, lv, container, out_dir, f"{stem}.{level}")


def generate(
    out_dir: Path,
    levels: list[str],
    seeds: list[str] | None = None,
    *,
    container: str = "pdf",
    pages: str | Sequence[int] = "all",
    color: bool = False,
) -> list[Path]:
    """Scan every seed at every level into ``out_dir``; returns the files written, in order.

    levels:    names from LEVELS (clean300, office200, poor150, rotated90, rotated180).
    seeds:     seed stems or prefixes ("000", "002_aeca975d5bd5932c"); None = all five.
    container: "pdf" (image-only PDF), "tiff" (multi-page), "jpg" or "png" (one file per page).
    pages:     "all", "tables" (pages holding a piece of any of the three tables),
               "applications" (pages of the applications table) or 1-based page numbers.
    color:     RGB scans instead of grayscale.

    Files are named <seed stem>.<level>.<ext>, or <seed stem>.<level>.p<N>.<ext> per page, so
    bench/run.py's truth_for() (file name starts with the truth stem) finds their truth.
    """
    out_dir = Path(out_dir)
    written: list[Path] = []
    for src in seed_sources(seeds):
        for level in levels:
            written += scan(src, level, out_dir, container, pages, color)
    return written


# ---------------------------------------------------------------- read back


def inspect(path: Path) -> dict:
    """Pages, pixel sizes, dpi and (for PDFs) text characters of one output file."""
    if path.suffix == ".pdf":
        pdf = pdfium.PdfDocument(path)
        sizes, dpis = [], []
        try:
            for page in pdf:
                w_pt, _ = page.get_size()
                imgs = [o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
                px = imgs[0].get_px_size() if imgs else (0, 0)
                sizes.append(tuple(px))
                dpis.append(round(px[0] / (w_pt / 72), 1))
        finally:
            pdf.close()
        with pdfplumber.open(path) as doc:
            chars = sum(len(p.chars) for p in doc.pages)
        return {"pages": len(sizes), "sizes": sizes, "dpi": dpis, "chars": chars}
    with Image.open(path) as im:
        sizes, dpis, modes = [], [], set()
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            sizes.append(im.size)
            dpis.append(tuple(round(float(d), 1) for d in im.info.get("dpi", (0, 0))))
            modes.add(im.mode)
        return {"pages": len(sizes), "sizes": sizes, "dpi": dpis, "modes": sorted(modes)}


# ---------------------------------------------------------------- the committed set


def _readme(jobs: list[tuple[Path, str, str, list[int], list[Path]]]) -> str:
    lines = [
        "# Simulated scans",
        "",
        "Made by `scripts/make_scan_samples.py` (rerun: `.venv/bin/python scripts/make_scan_samples.py`;",
        "same bytes every time) from the born-digital `samples/pdf/*.wqy-zenhei.pdf`. Every page is",
        "rendered by pdfium, skewed, given paper/toner grays and uneven light, blurred, noised and",
        "JPEG-compressed, all in grayscale. The PDFs are image-only: no text layer. Skew is in degrees,",
        "counter-clockwise positive; blur is the gaussian sigma in pixels at the file's dpi; noise is",
        "the gaussian std in gray levels; specks are the salt-and-pepper fraction of pixels.",
        "",
        "| file | source | pages | dpi | skew per page | noise / specks | blur | JPEG q | rotation |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for src, level, _container, page_list, paths in jobs:
        lv = LEVELS[level]
        stem = seed_stem(src)
        skews = ", ".join(f"p{p}: {page_params(stem, level, p)['skew']:+.2f}°" for p in page_list)
        rotation = f"{lv.rotate}° clockwise" if lv.rotate else "none"
        blur = f"{lv.blur300 * lv.dpi / 300:.2f} px" if lv.blur300 else "none"
        pages = ", ".join(map(str, page_list))
        for path in paths:
            lines.append(
                f"| `{path.name}` | `samples/pdf/{src.name}` | {pages} | {lv.dpi} | {skews} | "
                f"{lv.noise:g} / {lv.specks:g} | {blur} | {lv.jpeg_quality} | {rotation} |"
            )
    lines += [
        "",
        "- `000…clean300.pdf`: only the pages holding the three tables (4-6); all 7 pages would be about 7 MB.",
        "- `002…office200.tiff`: only the pages holding the tables (2-4). Page 2 also has the body text",
        "  行政复议15件 the table contradicts, and the applications table keeps its printed balance error:",
        "  seed 002's source errors must still be reported from this scan.",
        "- `003…poor150.pdf`: the whole report at the worst level.",
        "- `004…rotated90.p4.jpg`: page 4 (the whole applications table), fed sideways: the content is",
        "  turned 90° clockwise (text reads top to bottom); turn it 90° counter-clockwise to read it.",
        "",
        "Levels (`LEVELS` in the script; `generate()` there makes larger sets for the benchmark):",
        "",
        "| level | dpi | max skew | noise | specks | dust dots | blur at 300 dpi | JPEG q | paper / ink gray | shading | rotation |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, lv in LEVELS.items():
        lines.append(
            f"| {name} | {lv.dpi} | ±{lv.max_skew:g}° | {lv.noise:g} | {lv.specks:g} | "
            f"{lv.dust} | {lv.blur300:g} px | {lv.jpeg_quality} | {lv.paper} / {lv.ink} | "
            f"{lv.shading:g} | {lv.rotate}° |"
        )
    return "\n".join(lines) + "\n"


def make_committed(out_dir: Path = SCAN_DIR) -> list[Path]:
    jobs = []
    for seed, level, container, pages in COMMITTED:
        src = seed_sources([seed])[0]
        page_list = select_pages(src, pages)
        jobs.append(
            (src, level, container, page_list, scan(src, level, out_dir, container, page_list))
        )
    # Beside samples/, not in it: `nianbao run samples/` would take a README for a document.
    readme = ROOT / "docs" / "scan-samples.md"
    readme.parent.mkdir(exist_ok=True)
    readme.write_text(_readme(jobs), encoding="utf-8")
    return [p for job in jobs for p in job[4]] + [readme]


def report(paths: list[Path]) -> bool:
    ok = True
    for path in paths:
        if path.suffix == ".md":
            continue
        info = inspect(path)
        sizes = sorted(set(info["sizes"]))
        dpis = sorted(set(info["dpi"]), key=str)
        line = (
            f"{path.name:45} {path.stat().st_size / 1e6:6.2f} MB  {info['pages']} page(s)  "
            f"px {', '.join(f'{w}x{h}' for w, h in sizes)}  dpi {dpis}"
        )
        if "chars" in info:
            line += f"  text chars {info['chars']}"
            ok &= info["chars"] == 0
        print(line)
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, help="write a set here instead of samples/scans/")
    ap.add_argument("--levels", nargs="+", default=list(LEVELS), choices=list(LEVELS))
    ap.add_argument("--seeds", nargs="+", help="seed stems or prefixes (default: all)")
    ap.add_argument("--container", default="pdf", choices=CONTAINERS)
    ap.add_argument(
        "--pages",
        default="all",
        help="all, tables, applications, or comma-separated 1-based page numbers",
    )
    ap.add_argument("--color", action="store_true", help="RGB instead of grayscale")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.out is None:
        paths = make_committed()
    else:
        pages = (
            args.pages
            if args.pages in ("all", "tables", "applications")
            else [int(p) for p in args.pages.split(",")]
        )
        paths = generate(
            args.out,
            args.levels,
            args.seeds,
            container=args.container,
            pages=pages,
            color=args.color,
        )
    elapsed = time.perf_counter() - t0
    ok = report(paths)
    total = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} files, {total / 1e6:.2f} MB, {elapsed:.1f} s")
    if not ok:
        print("error: an image-only PDF has a text layer", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
