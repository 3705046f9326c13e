"""One module per input kind; each turns a file into an Extraction (body text + cell grids)."""
from __future__ import annotations

from pathlib import Path

from . import docx, pdf, text
from .detect import detect_format
from .errors import UnreadableDocument
from .grid import Extraction, Grid, GridCell

EXTRACTORS = {
    "text": text.extract,
    "docx": docx.extract,
    "pdf": pdf.extract,
}

_NOT_YET = {
    "image": "图片/扫描件需要文字识别（OCR），该功能尚未开放（开发中）。",
}


def extract(path: Path, fmt: str) -> Extraction:
    if fmt not in EXTRACTORS:
        raise UnreadableDocument(_NOT_YET[fmt])
    return EXTRACTORS[fmt](path)


__all__ = ["extract", "detect_format", "UnreadableDocument", "Extraction", "Grid", "GridCell"]
