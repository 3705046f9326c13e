"""Resuming: which documents are already done, what a hard kill leaves behind, and one run per
output folder at a time.

A document is done, and is skipped by the next run unless `--force`, when all of these hold:
- OUT/<doc_id>/report.json exists (it is written last, atomically: if it is there, so is the rest);
- its `source.sha256` is the input's sha256 now (the content, not the name or the mtime);
- its `schema_version` and `pipeline_version` are the ones this code writes (bump
  flows.document.PIPELINE_VERSION when a change alters the outputs, and every document is redone);
- it is not `failed` with `error_code: internal_error`: that is a bug of ours, which may since
  be fixed, so it is retried on every run. Other failures (empty, damaged, not a report …) are
  facts about the file and are not retried: the same bytes would fail the same way.

A hard kill (kill -9, power loss) can leave a `.<name>.<random>.tmp` beside a file that was being
written. Before a document is looked at, these are removed from its folder, and before the
run's dataset is written, from OUT. Only the names this code writes are touched.
"""
from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from canonical.report import SCHEMA_VERSION
from canonical.schema import TABLES
from canonical.writers import CSV_ENCODING, DATASET_NAMES, LONG_NAME, REPORT_NAME, TEMP_SUFFIX

from .inputs import Job, sha256_file

try:
    import fcntl
except ImportError:  # Windows: no lock, one run per output folder is then up to the user
    fcntl = None

DOCUMENT_FILES = (REPORT_NAME, LONG_NAME, *(f"{t.id}.csv" for t in TABLES))
RUN_FILES = (*DATASET_NAMES, "summary.html")
LOCK_NAME = ".nianbao.lock"
WATCH_LOCK_NAME = ".nianbao-watch.lock"
BRIEF_KEYS = ("status", "agency", "year", "error", "error_code", "summary")


def brief(report: dict) -> dict:
    """What the run hands on of a report: enough for its line and the counts."""
    found = report.get("tables") or {}
    return {**{k: report.get(k) for k in BRIEF_KEYS},
            "missing_tables": sum(t.id not in found for t in TABLES)}


def previous_outcome(job: Job, out: Path) -> dict | None:
    """The brief of `job`'s earlier report, marked skipped, if it is done (module docstring);
    None if it must be processed. Also removes temporary files a kill left in its folder."""
    doc_dir = out / job.doc_id
    remove_temp_files(doc_dir, DOCUMENT_FILES)
    try:
        report = json.loads((doc_dir / REPORT_NAME).read_bytes())
    except (OSError, ValueError):
        return None
    from .document import PIPELINE_VERSION

    if (report.get("schema_version") != SCHEMA_VERSION
            or report.get("pipeline_version") != PIPELINE_VERSION
            or (report.get("status") == "failed" and report.get("error_code") == "internal_error")):
        return None
    recorded = (report.get("source") or {}).get("sha256")
    try:
        if not recorded or recorded != sha256_file(job.path):
            return None
    except OSError:
        return None  # unreadable now: processing it says why
    return {**brief(report), "skipped": True}


def remove_temp_files(folder: Path, names: Iterable[str]) -> None:
    """Remove `.<name>.*.tmp` for each of `names` in `folder` (atomic_writer's temporary names)."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    prefixes = tuple(f".{name}." for name in names)
    for entry in entries:
        if entry.startswith(prefixes) and entry.endswith(TEMP_SUFFIX):
            (folder / entry).unlink(missing_ok=True)


def listed_documents(out: Path) -> list[str]:
    """The documents OUT/documents.csv lists (the last run's), those whose folder is inside OUT."""
    listing = out / "documents.csv"
    if not listing.is_file():
        return []
    root = out.resolve()
    with open(listing, encoding=CSV_ENCODING, newline="") as f:
        ids = [row["document"] for row in csv.DictReader(f)]
    return [i for i in ids if (root / i).resolve().is_relative_to(root) and (root / i).resolve() != root]


def read_reports(doc_ids: Iterable[str], out: Path) -> Iterator[tuple[str, dict]]:
    """(doc_id, report) for each of `doc_ids` in sorted order that has a report.json, read one
    at a time: the run's dataset is rebuilt from disk, never from reports held in memory."""
    for doc_id in sorted(set(doc_ids)):
        try:
            report = json.loads((out / doc_id / REPORT_NAME).read_bytes())
        except (OSError, ValueError):
            continue  # never written (a crash in writing, or a stop before it was reached)
        yield doc_id, report


class OutputBusy(RuntimeError):
    """Another nianbao process is writing to this output folder."""


class OutputLock:
    """Holds OUT/<name> from creation until the `with` block ends.

    OUT/.nianbao.lock is held by whatever writes to OUT: a `run`, one batch of a `watch`, a
    `reprocess`, the review page refreshing the run's files. A second writer stops at once
    (OutputBusy) instead of racing for the same files, or with `wait`, waits for its turn.
    A watcher also holds OUT/.nianbao-watch.lock while it runs: one watcher per OUT.
    The lock is the kernel's (flock): a killed process never leaves it held. The empty file
    stays."""

    def __init__(self, out: Path, name: str = LOCK_NAME, wait: bool = False):
        out.mkdir(parents=True, exist_ok=True)
        self._file = open(out / name, "a+b")
        if fcntl is None:
            return
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError:
            self._file.close()
            who = "watch" if name == WATCH_LOCK_NAME else "run, watch or reprocess"
            raise OutputBusy(f"另一个 nianbao 正在写入 {out}。 Another nianbao {who} is "
                             f"writing to {out}; wait for it to finish, or use another --out.")

    def __enter__(self) -> OutputLock:
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()  # closing releases the flock
