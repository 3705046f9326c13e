"""How scanned pages are read. `nianbao run` uses the defaults; `nianbao reprocess` can change
them for chosen pages of one document."""

from __future__ import annotations

from dataclasses import dataclass

OCR_MODES = ("cells", "page")


@dataclass(frozen=True)
class ScanSettings:
    dpi: float | None = None  # None: the scan's own resolution, as ocr.preprocess.reading_dpi wants
    # "cells": recognise each cell's crop (the grid is known from the rules; the default);
    # "page": detect text lines over the whole page, then place them in the cells.
    ocr: str = "cells"
    pages: frozenset[int] | None = None  # the pages these settings apply to; None: every page

    def __post_init__(self) -> None:
        if self.ocr not in OCR_MODES:
            raise ValueError(f"ocr must be one of {OCR_MODES}, not {self.ocr!r}")

    def as_json(self) -> dict:
        return {
            "dpi": self.dpi,
            "ocr": self.ocr,
            "pages": sorted(self.pages) if self.pages is not None else None,
        }

    def for_page(self, number: int) -> ScanSettings:
        """The settings page `number` is read with."""
        return self if self.pages is None or number in self.pages else DEFAULT


DEFAULT = ScanSettings()
