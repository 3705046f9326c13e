"""report.json as typed models: one document's tables, checks, corrections and status.

The output contract is ../shared/FORMAT.md; `docs/report.schema.json` is generated from these
models (`python -m model.report`). `Report.to_json` and `Report.from_json` are the only way a
report is written or read. Fields that are only sometimes there (a cell's machine reading after
review, a failed report's error_code, …) are left out of the JSON when empty, as before.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_serializer

SCHEMA_VERSION = 1
CellRef = tuple[str, str, str]  # (table, row, col)
Value = int | str | None  # a count; fees an exact decimal string; None blank or unreadable


def _absent(value: object) -> bool:
    return value is None


def _empty(value: object) -> bool:
    return not value


def _optional(default: Any = None) -> Any:
    """A field written only when it holds something."""
    return Field(default, exclude_if=_absent)


class Flag(StrEnum):
    """What is known about a cell. Set by the extractors, the mapping and the checks."""

    BLANK = "blank"
    NOT_A_NUMBER = "not_a_number"
    MISSING = "missing"
    LOW_CONFIDENCE = "low_confidence"
    IN_FAILED_CHECK = "in_failed_check"
    SECOND_OPINION_DIFFERS = "second_opinion_differs"  # born-digital PDFs: camelot disagrees
    REREAD = "reread"  # scans: read a second time
    INK_WITHOUT_TEXT = "ink_without_text"  # scans
    UNREAD_SIGN = "unread_sign"  # scans: the sign of a number (本年增/减) is not sure
    UNREAD_GLYPH = "unread_glyph"  # scans: the cell shows more characters than were read
    CORRECTED = "corrected"  # scans: changed by the identities
    CONFIRMED_BY_IDENTITIES = "confirmed_by_identities"  # scans
    REVIEWED = "reviewed"  # corrected by a clerk


class Status(StrEnum):
    OK = "ok"
    NEEDS_REVIEW = "needs_review"
    FAILED = "failed"


class Cause(StrEnum):
    SOURCE = "source"  # every cell involved was read surely: the printed report is inconsistent
    READING = "reading"  # a cell involved is unsure: it may be a misreading
    UNKNOWN = "unknown"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Reading(_Model):
    """What the machine read in a cell, kept beside a clerk's correction."""

    value: Value
    text: str
    confidence: float
    flags: list[Flag] = []


class Cell(_Model):
    row: str
    col: str
    value: Value
    unit: str | None = _optional()  # of an amount: 元 or 万元, as printed
    text: str
    confidence: float  # the probability that `value` is right
    page: int | None = None  # 1-based
    bbox: tuple[float, float, float, float] | None = None  # PDF points, or pixels on images
    flags: list[Flag] = []
    machine: Reading | None = _optional()
    # Other readings (value, confidence) of a scanned cell, for the corrections; not written.
    alternatives: list[tuple[int | str, float]] = Field(default=[], exclude=True)

    def flag(self, flag: Flag) -> None:
        if flag not in self.flags:
            self.flags.append(flag)

    @field_serializer("confidence")
    def _round_confidence(self, confidence: float) -> float:
        return round(confidence, 4)

    @field_serializer("bbox")
    def _round_bbox(self, bbox: tuple[float, ...] | None) -> list[float] | None:
        return [round(v, 2) for v in bbox] if bbox else None


class Table(_Model):
    """One table found in the document: every cell of its layout, in template order."""

    other_layout: str | None = _optional()  # applications: "split" or "single" （六）
    cells: list[Cell]
    _index: dict[tuple[str, str], Cell] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any) -> None:
        self._index = {(c.row, c.col): c for c in self.cells}

    def cell(self, row: str, col: str) -> Cell:
        # The checks look cells up thousands of times: read the private dict directly, not
        # through pydantic's attribute hook (a third of a text document's time).
        index: dict[tuple[str, str], Cell] = self.__pydantic_private__["_index"]  # type: ignore[index]
        if len(index) != len(self.cells):
            index = self._index = {(c.row, c.col): c for c in self.cells}
        return index[(row, col)]

    def has(self, row: str, col: str) -> bool:
        try:
            self.cell(row, col)
        except KeyError:
            return False
        return True


class Check(_Model):
    """One failed check (or, inside the pipeline, one evaluated identity)."""

    rule: str
    where: str
    ok: bool = False
    expected: Value
    found: Value
    cause: Cause = Cause.UNKNOWN
    message: str
    cells: list[CellRef] = []
    # Series checks (rules series.*) compare two documents: the other one, as its folder in
    # OUT, and its cells matched with `cells`; written only on those checks.
    other_document: str | None = _optional()
    other_cells: list[CellRef] = Field(default=[], exclude_if=_empty)
    # +1 for a cell on the expected side of a sum, -1 on the found side; not written.
    signs: dict[CellRef, int] = Field(default={}, exclude=True)


class Correction(_Model):
    """A value the identities changed on a scan, with what was read."""

    table: str
    row: str
    col: str
    read_text: str
    read_value: Value
    value: int | str
    evidence: str  # "second_reading", "digits_of_reading" or "identities"


class Summary(_Model):
    cells: int
    unsure_cells: int
    failed_checks: int
    source_errors: int
    corrections: int


class ScannedPage(_Model):
    page: int
    turned: int  # degrees the page was turned to be upright


class ScanRecord(_Model):
    """The scan settings a reprocessed document was read with."""

    dpi: float | None
    ocr: str
    pages: list[int] | None


class Source(_Model):
    path: str  # as given, relative to the folder
    file: str | None = None  # the absolute path it was read from
    sha256: str | None = None
    format: str | None = None
    pages: int | None = None
    scan_settings: ScanRecord | None = _optional()
    scanned_pages: list[ScannedPage] | None = _optional()


class ReviewState(_Model):
    """After a clerk's corrections: what the machine said before them."""

    reviewed_cells: int
    machine_status: Status
    machine_checks: list[Check]


class SeriesState(_Model):
    """Written when the report holds series checks (other documents of the run: the same
    agency's previous or next year, another copy of the report): the status the document has
    alone, which comes back when those checks go."""

    status_alone: Status


class Report(_Model):
    schema_version: int = SCHEMA_VERSION
    pipeline_version: int | None = _optional()
    source: Source
    agency: str | None = None
    year: int | None = None
    template: str | None = None  # "2021" or "2019"; None when no table was found
    status: Status
    tables: dict[str, Table] = {}
    checks: list[Check] = []
    corrections: list[Correction] = []
    summary: Summary | None = None
    warnings: list[str] = []
    error: str | None = None
    error_code: str | None = _optional()
    review: ReviewState | None = _optional()
    series: SeriesState | None = _optional()

    def to_json(self) -> bytes:
        data = self.model_dump(mode="json")
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | str) -> Report:
        return cls.model_validate_json(data)

    def cell(self, ref: CellRef) -> Cell:
        return self.tables[ref[0]].cell(ref[1], ref[2])


def json_schema() -> dict:
    schema = Report.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "nianbao report.json"
    return schema


if __name__ == "__main__":  # python -m model.report [PATH]: write the JSON Schema
    text = json.dumps(json_schema(), ensure_ascii=False, indent=1) + "\n"
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
