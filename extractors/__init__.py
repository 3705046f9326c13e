"""One module per input kind; each turns a file into an Extraction (body text + cell grids)."""

from __future__ import annotations

from pathlib import Path

from model.grid import Extraction, Grid, GridCell
from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import Limits
from model.settings import DEFAULT, ScanSettings

from . import docx, html, image, office, pdf, text
from .detect import detect_format
from .errors import UnreadableDocument

EXTRACTORS = {
    "text": text.extract,
    "docx": docx.extract,
    "pdf": pdf.extract,
    "image": image.extract,
    "html": html.extract,
    "mhtml": html.extract_mhtml,
    # Old office files: converted to DOCX by LibreOffice (extractors/office.py).
    **{kind: office.reader(kind) for kind in office.KINDS},
}


def extract(
    path: Path, fmt: str, scan: ScanSettings = DEFAULT, limits: Limits = DEFAULT_LIMITS
) -> Extraction:
    """Raises UnreadableDocument, or LimitExceeded for a document over one of `limits`."""
    return EXTRACTORS[fmt](path, scan, limits)


__all__ = ["Extraction", "Grid", "GridCell", "UnreadableDocument", "detect_format", "extract"]
