"""The run's files (documents.csv, dataset.csv, dataset.parquet/, series.csv, summary.html) and
the series checks, brought up to date with the report.json files on disk; and skipped.csv: the
inputs that are not documents, and why (flows/inputs.py), written by every run and watch, with
only its header when there are none, so that it is never left over from an earlier run.

Incremental: OUT's index (outputs/index.py) keeps a summary of each report, made again only for
reports that changed since. Then
1. the agency keys are worked out over the run's names (canonical/agency_key.py);
2. the series checks (canonical/series.py) are redone for the agencies a changed document
   belongs to (or belonged to), and written into the report.json of each document whose series
   checks changed, with its status (atomically, so a kill leaves it whole);
3. the dataset's parts holding a changed document are rewritten (outputs/dataset.py);
4. documents.csv, series.csv and summary.html are written from the summaries, and dataset.csv
   from its pieces.
Everything comes from the report.json files, never from reports held in memory, so a resumed
run writes the same bytes as a clean one, and a second run with nothing changed rewrites no
document.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
from pydantic import ValidationError

from canonical.agency_key import agency_keys
from canonical.series import readings, series_checks, with_series
from model.report import Check, Report

from .atomic import atomic_write_bytes, remove_temp_files
from .dataset import SCHEMA, Dataset, Partition, cell_rows, partition_of, rows_table
from .index import TOTALS, Entry, Index, Placed, signature, summarise
from .layout import (
    CSV_ENCODING,
    DOCUMENTS_NAME,
    REPORT_NAME,
    RUN_FILES,
    SERIES_NAME,
    SKIPPED_COLUMNS,
    SKIPPED_NAME,
    SUMMARY_NAME,
)
from .summary_html import RunSummary
from .writers import csv_bytes, csv_value

DOCUMENT_COLUMNS = (
    "document",
    "path",
    "format",
    "status",
    "agency",
    "agency_key",
    "year",
    "template",
    "failed_checks",
    "source_errors",
    "series_failures",
    "unsure_cells",
    "error",
)
SERIES_COLUMNS = (
    "agency_key",
    "agency",
    "year",
    "documents",
    *TOTALS,
    "previous_year_link",
    "next_year_link",
)
LINK_HOLDS, LINK_BROKEN, NO_LINK = "holds", "broken", ""


def read_report(doc_dir: Path) -> Report:
    return Report.from_json((doc_dir / REPORT_NAME).read_bytes())


def listed_documents(out: Path) -> list[str]:
    """The documents OUT/documents.csv lists (the last run's), those whose folder is inside OUT."""
    listing = out / DOCUMENTS_NAME
    if not listing.is_file():
        return []
    root = out.resolve()
    with open(listing, encoding=CSV_ENCODING, newline="") as f:
        ids = [row["document"] for row in csv.DictReader(f)]
    return [
        i for i in ids if (root / i).resolve().is_relative_to(root) and (root / i).resolve() != root
    ]


SkippedRow = tuple[str, str, str]  # (path, code, reason): flows.inputs.Skipped is one


def write_run_outputs(
    doc_ids: Iterable[str], out: Path, skipped: Iterable[SkippedRow] | None = None
) -> None:
    """The run's files of `doc_ids` (documents without a report.json are left out), their
    series checks, and skipped.csv of `skipped`. With `skipped` None (a refresh after a review
    or a reprocess, which do not walk the inputs) skipped.csv is kept as the run wrote it, and
    summary.html lists what it holds."""
    remove_temp_files(out, (*RUN_FILES, SKIPPED_NAME))
    update = _Update(out)
    present = update.refresh(sorted(set(doc_ids)))
    update.series(present)
    update.dataset(present)
    entries = [(d, update.index.entries[d]) for d in present]
    atomic_write_bytes(out / DOCUMENTS_NAME, _documents_csv(entries))
    atomic_write_bytes(out / SERIES_NAME, _series_csv(entries, update.links))
    update.data.write_csv()
    summary = RunSummary(entries, update.links)
    if skipped is None:
        summary.skipped = read_skipped(out)
    else:
        summary.skipped = sorted((path, code, reason) for path, code, reason in skipped)
        atomic_write_bytes(out / SKIPPED_NAME, _skipped_csv(summary.skipped))
    atomic_write_bytes(out / SUMMARY_NAME, summary.html().encode("utf-8"))
    update.index.save()  # last: until it is saved, the next run redoes what this one did


class _Update:
    """One bringing up to date of OUT's run files (module docstring, steps 1–3)."""

    CACHED = 200  # reports kept between the steps (a first update over OUT reads each twice)

    def __init__(self, out: Path):
        self.out = out
        self.index = Index(out)
        self.data = Dataset(out)
        if self.index.fresh:
            self.data.clear()
        self.data.remove_temp_files()
        self.reports: dict[str, Report] = {}  # some of those read in this update
        self.touched: set[str | None] = set()  # agency keys whose series checks are redone
        self.links: dict[tuple[str, int], bool] = {}

    def report(self, doc_id: str) -> Report:
        report = self.reports.get(doc_id) or read_report(self.out / doc_id)
        if len(self.reports) < self.CACHED:
            self.reports[doc_id] = report
        return report

    def refresh(self, doc_ids: list[str]) -> list[str]:
        """Summaries of the reports changed since indexed, and the run's agency keys; returns
        the documents that have a report."""
        entries = self.index.entries
        present = []
        out = str(self.out)
        for doc_id in doc_ids:
            sig = signature(f"{out}/{doc_id}")
            old = entries.get(doc_id)
            if sig is not None and old is not None and old.signature == sig:
                present.append(doc_id)
                continue
            try:
                new = summarise(self.report(doc_id), sig) if sig is not None else None
            except (OSError, ValueError, ValidationError):
                new = None  # never written (a crash in writing, or a stop before it)
            if old is not None:
                self.touched.add(old.agency_key)
            if new is None:
                if old is not None and old.placed is None:
                    self.index.drop(doc_id)
                continue  # if its rows are in the dataset, step 3 takes them out
            if old is not None:
                new.keep_run_fields(old)
            self.index.put(doc_id, new)
            present.append(doc_id)
        listed = set(present)
        for doc_id, entry in entries.items():  # documents leaving the run leave their series
            if entry.placed is not None and doc_id not in listed:
                self.touched.add(entry.agency_key)
        keys = agency_keys(entries[d].agency for d in present)
        for doc_id in present:
            entry = entries[doc_id]
            key = keys.get(entry.agency or "")
            if doc_id in self.index.changed or key != entry.agency_key:
                self.touched |= {entry.agency_key, key}
                entry.agency_key = key
                self.index.put(doc_id, entry)
        return present

    def series(self, present: list[str]) -> None:
        """Step 2, and the year-over-year links of every agency (series.csv): those of the
        agencies not touched are the index's."""
        entries = self.index.entries
        docs = [d for d in (entries[i].series_doc(i) for i in present) if d is not None]
        redo = [d for d in docs if d.agency_key in self.touched]
        result = series_checks(redo, lambda doc_id: readings(self.report(doc_id)))
        for doc_id in present:
            if doc_id in result.checks:
                self._set_series(doc_id, result.checks[doc_id])
            elif entries[doc_id].series and entries[doc_id].series_doc(doc_id) is None:
                self._set_series(doc_id, [])  # no longer in any series (no year, no agency)
        for doc in redo:
            entry = entries[doc.doc_id]
            holds = result.links.get((doc.agency_key, doc.year))
            if entry.link_back != holds:
                entry.link_back = holds
                self.index.put(doc.doc_id, entry)
        self.links = {
            (d.agency_key, d.year): link
            for d in docs
            if (link := entries[d.doc_id].link_back) is not None
        }

    def _set_series(self, doc_id: str, checks: list[Check]) -> None:
        entry = self.index.entries[doc_id]
        if [c.model_dump(mode="json") for c in checks] == entry.series:
            return
        doc_dir = self.out / doc_id
        report = with_series(self.report(doc_id), checks)
        atomic_write_bytes(doc_dir / REPORT_NAME, report.to_json())
        self.reports[doc_id] = report
        sig = signature(doc_dir)
        if sig is None:
            raise FileNotFoundError(doc_dir / REPORT_NAME)
        self.index.put(doc_id, summarise(report, sig).keep_run_fields(entry))

    def dataset(self, present: list[str]) -> None:
        """Step 3: the parts holding a document whose rows are not those of its report now
        (changed, another key, added, or out of the run)."""
        listed = set(present)
        dropped: dict[Partition, set[str]] = defaultdict(set)
        added: dict[Partition, list[str]] = defaultdict(list)
        for doc_id, entry in list(self.index.entries.items()):
            here = doc_id in listed and entry.cells > 0
            wanted = Placed(entry.signature, entry.agency_key, entry.year) if here else None
            if entry.placed == wanted:
                continue
            if entry.placed is not None:
                dropped[partition_of(doc_id, entry.placed.year)].add(doc_id)
            if wanted is not None:
                added[partition_of(doc_id, entry.year)].append(doc_id)
            entry.placed = wanted
            if doc_id in listed or signature(self.out / doc_id) is not None:
                self.index.put(doc_id, entry)
            else:
                self.index.drop(doc_id)  # its report is gone
        for partition in sorted(dropped.keys() | added.keys(), key=_partition_order):
            docs = sorted(added.get(partition, []))
            self.data.rewrite(partition, dropped[partition] | set(docs), self._rows(docs))
            for doc_id in docs:
                self.reports.pop(doc_id, None)

    def _rows(self, doc_ids: list[str]) -> pa.Table:
        columns: dict[str, list] = {name: [] for name in SCHEMA.names}
        for doc_id in doc_ids:
            key = self.index.entries[doc_id].agency_key
            for name, values in cell_rows(doc_id, self.report(doc_id), key).items():
                columns[name].extend(values)
        return rows_table(columns)


def _partition_order(partition: Partition) -> tuple[bool, int, int]:
    year, shard = partition
    return (year is None, year or 0, shard)


def _documents_csv(entries: list[tuple[str, Entry]]) -> bytes:
    rows = [
        [
            doc_id,
            e.path,
            e.format or "",
            e.status,
            e.agency or "",
            e.agency_key or "",
            csv_value(e.year),
            e.template or "",
            csv_value(e.failed_checks),
            csv_value(e.source_errors),
            e.series_failures,
            csv_value(e.unsure_cells),
            e.error or "",
        ]
        for doc_id, e in entries
    ]
    return csv_bytes(list(DOCUMENT_COLUMNS), rows)


def _series_csv(entries: list[tuple[str, Entry]], links: dict[tuple[str, int], bool]) -> bytes:
    """One line per agency and year: its documents, the totals of applications (those of the
    best-read document when there are several), and whether the links to the year before and
    after hold (empty when that year is not in the run)."""
    groups: dict[tuple[str, int], list[tuple[str, Entry]]] = defaultdict(list)
    for doc_id, e in entries:
        if e.agency_key and e.year and e.digest:
            groups[(e.agency_key, e.year)].append((doc_id, e))
    rows = []
    for (key, year), docs in sorted(groups.items()):
        _, best = min(docs, key=lambda d: (_STATUS_RANK.get(d[1].status, 9), d[0]))
        rows.append(
            [
                key,
                best.agency or "",
                year,
                " ".join(doc_id for doc_id, _ in docs),
                *(csv_value(best.totals.get(name)) for name in TOTALS),
                _link(links.get((key, year))),
                _link(links.get((key, year + 1))),
            ]
        )
    return csv_bytes(list(SERIES_COLUMNS), rows)


_STATUS_RANK = {"ok": 0, "needs_review": 1}


def _link(holds: bool | None) -> str:
    return NO_LINK if holds is None else LINK_HOLDS if holds else LINK_BROKEN


def read_skipped(out: Path) -> list[SkippedRow]:
    """The rows of OUT/skipped.csv (none if it is missing or unreadable)."""
    try:
        with open(out / SKIPPED_NAME, encoding=CSV_ENCODING, newline="") as f:
            return [(r["path"], r["code"], r["reason"]) for r in csv.DictReader(f)]
    except (OSError, KeyError, UnicodeDecodeError, csv.Error):
        return []


def _skipped_csv(rows: list[SkippedRow]) -> bytes:
    return csv_bytes(list(SKIPPED_COLUMNS), [list(r) for r in rows])


def refresh_run_outputs(out: Path) -> None:
    """The run's files again, after one document's outputs changed (review, reprocess)."""
    if (out / DOCUMENTS_NAME).is_file():
        write_run_outputs(listed_documents(out), out)
