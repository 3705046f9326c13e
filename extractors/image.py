"""Images: PNG, JPG, multi-page TIFF, and the others extractors.detect knows (GIF, WebP, BMP,
JPEG 2000, AVIF; a phone's HEIC through pillow-heif); each file is one document, each frame
one page.
A folder of images is one document only when the user says so (`nianbao run --one-report`):
its files, in name order, are the pages.

Pages go through the scan route (ocr.reader): OpenCV preparation, ruled grid, PP-OCR.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import ExifTags, Image, ImageOps, ImageSequence, UnidentifiedImageError
from pillow_heif import register_heif_opener

from model.files import page_files
from model.grid import Extraction
from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import Limits, check
from model.settings import DEFAULT, ScanSettings

from .errors import UnreadableDocument

register_heif_opener()  # PIL opens HEIC/HEIF files from here on (the review page too)

A4_SHORT_INCHES = 8.27
SQUARE_TOLERANCE = 0.05  # resolutions across and down this close are one (72 vs 72.009)
MAX_STRETCH = 4  # a fax in normal mode is 204×98 dpi
QUARTER_TURNS = (5, 6, 7, 8)  # EXIF orientations that swap width and height


def extract(
    path: Path, scan: ScanSettings = DEFAULT, limits: Limits = DEFAULT_LIMITS
) -> Extraction:
    from ocr.reader import read_page, reads_title

    grids, text, warnings, turned, unsure = [], [], [], {}, []
    pages = load_pages(path, limits)
    for number, gray in enumerate(pages, start=1):
        settings = scan.for_page(number)
        image, scale = enlarged(gray, settings.dpi, limits)
        # bboxes in the page's pixels as shown (see frames)
        reading = read_page(
            image, number, bbox_scale=1 / scale, settings=settings, text=reads_title(number, text)
        )
        grids += reading.grids
        text.append(reading.text)
        unsure += reading.unsure_lines
        turned[number] = reading.turned
        warnings += reading.warnings
    return Extraction(
        format="image",
        body_text="\n".join(text),
        tables=grids,
        pages=len(pages),
        warnings=warnings,
        scanned_pages=turned,
        unsure_text=unsure,
    )


def enlarged(
    gray: np.ndarray, want_dpi: float | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[np.ndarray, float]:
    """The page at `want_dpi`, by default the resolution ocr.preprocess.reading_dpi wants (its
    dpi taken from the short side as A4's 8.27 in), and the scale applied. The enlarged page
    is held to the megapixel limit too: a 20000×2 strip taken for A4 would be 61 GB."""
    from ocr.preprocess import reading_dpi

    dpi = max(1.0, min(gray.shape) / A4_SHORT_INCHES)
    scale = (want_dpi or reading_dpi(dpi)) / dpi
    check(limits, "max_megapixels", gray.shape[0] * gray.shape[1] * scale**2 / 1e6)
    if abs(scale - 1) < 0.01:
        return gray, 1.0
    if scale < 1:
        return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC), scale


def load_pages(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[np.ndarray]:
    """Every frame as an 8-bit grayscale array."""
    return [np.asarray(frame) for frame in frames(path, limits)]


def frames(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[Image.Image]:
    """Every page of an image file (a TIFF's frames), or of a folder of them, in grayscale,
    the way a viewer shows it (`as_shown`): 16-bit samples in 8, transparent paper white, turned
    as its EXIF orientation says (a phone stores a portrait photo sideways and says so), its
    pixels made square (a fax's are twice as tall as wide).
    Sizes and frame counts are checked from the headers, before any pixel is decoded."""
    Image.MAX_IMAGE_PIXELS = None  # our own limit below, with a message that names it
    pages: list[Image.Image] = []
    for file in page_files(path):
        try:
            with Image.open(file) as image:
                check(limits, "max_frames", len(pages) + getattr(image, "n_frames", 1))
                for frame in ImageSequence.Iterator(image):
                    check(limits, "max_megapixels", frame.width * frame.height / 1e6)
                    pages.append(_gray(as_shown(frame)))
        # ValueError: PIL refuses an oversized text chunk (a zTXt bomb) or a broken header.
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
            raise UnreadableDocument(
                f"图片文件{_name(path, file)}已损坏或格式不受支持，无法读取（{type(e).__name__}）。"
            )
    return pages


def shown_size(frame: Image.Image) -> tuple[int, int]:
    """The frame's size as a viewer shows it (see `frames`), from its header alone."""
    width, height = frame.size
    across, down = (float(v) for v in frame.info.get("dpi") or (0, 0))  # TIFF's are fractions
    if frame.getexif().get(ExifTags.Base.Orientation, 1) in QUARTER_TURNS:
        width, height, across, down = height, width, down, across
    ratio = across / down if across > 0 and down > 0 else 1.0  # a NaN fails both tests below
    if not 1 / MAX_STRETCH <= ratio <= MAX_STRETCH or abs(ratio - 1) < SQUARE_TOLERANCE:
        return width, height  # square, or a resolution no scanner has: taken as square
    finest = max(across, down)
    return round(width * finest / across), round(height * finest / down)


def as_shown(frame: Image.Image) -> Image.Image:
    """The frame in 8 bits on white, turned as its EXIF orientation says, and stretched to
    square pixels where its resolution differs across and down (a fax sent in normal mode,
    204×98 dpi, has its text squashed to half its height)."""
    size = shown_size(frame)
    turned = _on_white(_eight_bits(ImageOps.exif_transpose(frame)))
    if turned.size == size:
        return turned
    if turned.mode in ("1", "P"):
        # PIL resizes these by repeating rows; a fax's missing rows are better guessed between
        # their neighbours (8 of 200 cells lost against 16, one report).
        turned = turned.convert("L" if turned.mode == "1" else "RGB")
    return turned.resize(size, Image.Resampling.BICUBIC)


def _eight_bits(frame: Image.Image) -> Image.Image:
    """A frame of 16-bit samples scaled to 8 bits: PIL's conversion clips them, and a scanner's
    16-bit grayscale page came out white but for pure black. Integer samples that all fit in 8
    bits are kept as they are."""
    if not (frame.mode.startswith("I;16") or frame.mode == "I"):
        return frame
    samples = np.asarray(frame).astype(np.int64)
    if samples.max(initial=0) > 255:
        samples //= 257
    return Image.fromarray(samples.clip(0, 255).astype(np.uint8))


def _on_white(frame: Image.Image) -> Image.Image:
    """A frame with transparency laid on white paper: an exported page whose paper is
    transparent black came out all black."""
    if frame.mode not in ("RGBA", "LA", "PA") and "transparency" not in frame.info:
        return frame
    paper = Image.new("RGBA", frame.size, "white")
    return Image.alpha_composite(paper, frame.convert("RGBA")).convert("RGB")


def _gray(frame: Image.Image) -> Image.Image:
    """A colour page as its red channel, where a red seal or stamp is as light as the paper
    (in luminance it is as dark as print, and covers the text and rules under it)."""
    if frame.mode in ("1", "L", "F"):  # as_shown has made 16-bit and transparent frames L or RGB
        return frame.convert("L")
    return frame.convert("RGB").getchannel("R")


def _name(document: Path, file: Path) -> str:
    return f"“{file.name}”" if document.is_dir() else ""
