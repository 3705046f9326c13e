"""review.json: a clerk's corrections of one document, oldest first (see outputs/review_log.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .report import CellRef, Value


class ClerkCorrection(BaseModel):
    model_config = ConfigDict(extra="ignore")

    table: str
    row: str
    col: str
    old: Value = None
    new: Value
    text: str | None = None  # as typed; None: the value written out
    time: str | None = None

    @property
    def ref(self) -> CellRef:
        return (self.table, self.row, self.col)


class ReviewLog(BaseModel):
    model_config = ConfigDict(extra="ignore")

    schema_version: int = 1
    source_sha256: str | None = None
    corrections: list[ClerkCorrection] = []
