"""One module per input kind; each turns a file into an Extraction (body text + cell grids)."""

from __future__ import annotations

from pathlib import Path

from model.grid import Extraction, Grid, GridCell
from model.settings import DEFAULT, ScanSettings

from . import docx, image, pdf, text
from .detect import detect_format
from .errors import UnreadableDocument

EXTRACTORS = {
    "text": text.extract,
    "docx": docx.extract,
    "pdf": pdf.extract,
    "image": image.extract,
}

SCANNED = {"pdf", "image"}  # formats whose pages may need OCR, read with ScanSettings


def extract(path: Path, fmt: str, scan: ScanSettings = DEFAULT) -> Extraction:
    return EXTRACTORS[fmt](path, scan) if fmt in SCANNED else EXTRACTORS[fmt](path)


__all__ = ["Extraction", "Grid", "GridCell", "UnreadableDocument", "detect_format", "extract"]
