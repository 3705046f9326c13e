"""OUT's index of documents: a small summary of each report.json, so that the run's files are
brought up to date without reading every report again.

It lives in OUT/.nianbao-index/documents.sqlite (one row per document, its summary as JSON).
A document's summary is made again only when its report.json changed, told by the file's size,
modification time and inode (report.json is always replaced by a rename, so a rewrite changes
the inode). What the summary holds is what the run's files need: documents.csv's columns, the
counts summary.html draws, the series checks' inputs (canonical.series.SeriesDoc) and the
series checks the report holds, and where the document's rows are in the dataset.

The index is a cache: deleted, damaged or of another INDEX_VERSION, it is rebuilt from the
reports (and the dataset with it). Only the holder of OUT's lock writes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any

from canonical.series import Reading, SeriesDoc, is_series, series_doc
from model.report import Check, Report, Status

from .layout import INDEX_DIR, INDEX_NAME, REPORT_NAME

INDEX_VERSION = 2
Signature = tuple[int, int, int]  # report.json's (size, mtime_ns, inode)
# Confidence bins of summary.html, [low, high); the top bin is exactly 1.0.
CONFIDENCE_BINS = (
    (0.0, 0.5),
    (0.5, 0.7),
    (0.7, 0.8),
    (0.8, 0.9),
    (0.9, 0.95),
    (0.95, 0.99),
    (0.99, 1.0),
    (1.0, 1.0),
)
TOTALS = ("new_received", "carried_over", "total_processed", "carried_forward")  # series.csv


@dataclass
class Placed:
    """What the dataset holds of a document: its rows were written from this report.json, with
    this key, in this year's partition."""

    signature: Signature
    agency_key: str | None
    year: int | None


@dataclass
class Entry:
    """One document's summary (module docstring)."""

    signature: Signature
    path: str
    format: str | None
    status: str
    agency: str | None
    year: int | None
    template: str | None
    failed_checks: int | None
    source_errors: int | None
    unsure_cells: int | None
    error: str | None
    cells: int
    confidence: list[int]  # cells per CONFIDENCE_BINS
    checks: list[tuple[str, str]]  # (rule, cause) of each failed check, series ones included
    totals: dict[str, Any]  # applications' TOTALS, column total
    carried_over: dict[str, Reading]
    carried_forward: dict[str, Reading]
    digest: str | None  # of every cell (canonical.series.digest); None without tables
    series: list[dict]  # the series checks report.json holds, as written
    # Set by the run, not by the report: kept when the report's summary is made again.
    agency_key: str | None = None  # it depends on the run's names
    placed: Placed | None = None  # None when the dataset has no rows of it
    link_back: bool | None = None  # does the carry from the year before hold? None: no such year

    @property
    def series_failures(self) -> int:
        return len(self.series)

    def keep_run_fields(self, old: Entry) -> Entry:
        self.agency_key, self.placed, self.link_back = old.agency_key, old.placed, old.link_back
        return self

    def series_doc(self, doc_id: str) -> SeriesDoc | None:
        if not (self.agency_key and self.year and self.template and self.digest):
            return None
        return SeriesDoc(
            doc_id,
            self.agency_key,
            self.year,
            self.template,
            self.carried_over,
            self.carried_forward,
            self.digest,
        )

    def series_checks(self) -> list[Check]:
        return [Check.model_validate(c) for c in self.series]


def signature(doc_dir: Path | str) -> Signature | None:
    try:
        st = os.stat(f"{doc_dir}/{REPORT_NAME}")  # a string: pathlib costs more than the stat
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def summarise(report: Report, sig: Signature) -> Entry:
    """The entry of a report read from a report.json with signature `sig`."""
    summary = report.summary
    confidence = [0] * len(CONFIDENCE_BINS)
    cells = 0
    for table in report.tables.values():
        for cell in table.cells:
            cells += 1
            confidence[confidence_bin(cell.confidence)] += 1
    applications = report.tables.get("applications")
    totals = {
        row: applications.cell(row, "total").value
        if applications is not None and applications.has(row, "total")
        else None
        for row in TOTALS
    }
    doc = series_doc("", "-", report)
    series = [c for c in report.checks if is_series(c)]
    return Entry(
        signature=sig,
        path=report.source.path,
        format=report.source.format,
        status=report.status.value,
        agency=report.agency,
        year=report.year,
        template=report.template,
        failed_checks=summary.failed_checks if summary else None,
        source_errors=summary.source_errors if summary else None,
        unsure_cells=summary.unsure_cells if summary else None,
        error=report.error,
        cells=cells,
        confidence=confidence,
        checks=[(c.rule, c.cause.value) for c in report.checks],
        totals=totals,
        carried_over=doc.carried_over if doc else {},
        carried_forward=doc.carried_forward if doc else {},
        digest=doc.digest if doc else None,
        series=[c.model_dump(mode="json") for c in series],
    )


def confidence_bin(confidence: float) -> int:
    if confidence >= 1.0:
        return len(CONFIDENCE_BINS) - 1
    for i, (lo, hi) in enumerate(CONFIDENCE_BINS[:-1]):
        if lo <= confidence < hi:
            return i
    return 0


_FIELDS = tuple(f.name for f in fields(Entry))
_SIGNATURE, _PLACED = _FIELDS.index("signature"), _FIELDS.index("placed")


def _entry_json(entry: Entry) -> str:
    """A JSON array of the fields in order: a third smaller and faster to read than an object."""
    values = [getattr(entry, name) for name in _FIELDS]
    values[_PLACED] = astuple(entry.placed) if entry.placed else None
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _entry_from_json(text: str) -> Entry:
    # Readings and checks stay JSON lists (they are only indexed); signatures are compared.
    values = json.loads(text)
    entry = Entry(*values)
    entry.signature = _signature(values[_SIGNATURE])
    placed = values[_PLACED]
    entry.placed = Placed(_signature(placed[0]), placed[1], placed[2]) if placed else None
    return entry


def _signature(value: list[int]) -> Signature:
    size, mtime_ns, inode = value
    return (size, mtime_ns, inode)


class Index:
    """The entries of OUT's documents, loaded whole; `save` writes back those changed."""

    def __init__(self, out: Path):
        self.path = out / INDEX_DIR / INDEX_NAME
        self.entries: dict[str, Entry] = {}
        self.changed: set[str] = set()
        self.removed: set[str] = set()
        self.fresh = True  # nothing was loaded: the dataset is to be rebuilt whole
        with contextlib.suppress(sqlite3.Error, ValueError, TypeError, KeyError):
            self._load()

    def _load(self) -> None:
        if not self.path.is_file():
            return
        with contextlib.closing(sqlite3.connect(self.path)) as db:
            (version,) = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
            if int(version) != INDEX_VERSION:
                return
            entries = {d: _entry_from_json(e) for d, e in db.execute("SELECT doc, entry FROM docs")}
        self.entries, self.fresh = entries, False

    def put(self, doc_id: str, entry: Entry) -> None:
        self.entries[doc_id] = entry
        self.changed.add(doc_id)
        self.removed.discard(doc_id)

    def drop(self, doc_id: str) -> None:
        if self.entries.pop(doc_id, None) is not None:
            self.removed.add(doc_id)
            self.changed.discard(doc_id)

    def save(self) -> None:
        """Write the changed entries (all of them when the index was rebuilt), in one
        transaction: a kill leaves the index as it was before, which the next run redoes.
        Nothing changed, nothing is written."""
        if not (self.fresh or self.changed or self.removed):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.fresh:
            self.path.unlink(missing_ok=True)
            self.changed = set(self.entries)
        with contextlib.closing(sqlite3.connect(self.path)) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS docs (doc TEXT PRIMARY KEY, entry TEXT)")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (str(INDEX_VERSION),))
            db.executemany(
                "INSERT OR REPLACE INTO docs VALUES (?, ?)",
                [(d, _entry_json(self.entries[d])) for d in sorted(self.changed)],
            )
            db.executemany("DELETE FROM docs WHERE doc = ?", [(d,) for d in self.removed])
        self.changed, self.removed, self.fresh = set(), set(), False


def status_of(entry: Entry) -> Status:
    return Status(entry.status)
