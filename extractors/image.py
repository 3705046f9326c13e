"""Images: PNG, JPG and multi-page TIFF; each file is one document, each frame one page.
A folder of images is one document only when the user says so (`nianbao run --one-report`):
its files, in name order, are the pages.

Pages go through the scan route (ocr.reader): OpenCV preparation, ruled grid, PP-OCR.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from model.files import page_files
from model.grid import Extraction
from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import Limits, check
from model.settings import DEFAULT, ScanSettings

from .errors import UnreadableDocument

A4_SHORT_INCHES = 8.27


def extract(
    path: Path, scan: ScanSettings = DEFAULT, limits: Limits = DEFAULT_LIMITS
) -> Extraction:
    from ocr.reader import read_page, reads_title

    grids, text, warnings, turned, unsure = [], [], [], {}, []
    pages = load_pages(path, limits)
    for number, gray in enumerate(pages, start=1):
        settings = scan.for_page(number)
        image, scale = enlarged(gray, settings.dpi, limits)
        # bboxes in the file's pixels
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
    """Every page of an image file (a TIFF's frames), or of a folder of them, in grayscale.
    Sizes and frame counts are checked from the headers, before any pixel is decoded."""
    Image.MAX_IMAGE_PIXELS = None  # our own limit below, with a message that names it
    pages: list[Image.Image] = []
    for file in page_files(path):
        try:
            with Image.open(file) as image:
                check(limits, "max_frames", len(pages) + getattr(image, "n_frames", 1))
                for frame in ImageSequence.Iterator(image):
                    check(limits, "max_megapixels", frame.width * frame.height / 1e6)
                    pages.append(_gray(frame))
        # ValueError: PIL refuses an oversized text chunk (a zTXt bomb) or a broken header.
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
            raise UnreadableDocument(
                f"图片文件{_name(path, file)}已损坏或格式不受支持，无法读取（{type(e).__name__}）。"
            )
    return pages


def _gray(frame: Image.Image) -> Image.Image:
    """A colour page as its red channel, where a red seal or stamp is as light as the paper
    (in luminance it is as dark as print, and covers the text and rules under it)."""
    if frame.mode in ("1", "L", "LA", "I", "I;16", "F"):
        return frame.convert("L")
    return frame.convert("RGB").getchannel("R")


def _name(document: Path, file: Path) -> str:
    return f"“{file.name}”" if document.is_dir() else ""
