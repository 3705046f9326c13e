"""What does adding a few documents to a large OUT cost? The time to bring the run's files
(documents.csv, dataset.csv/.parquet, series.csv, summary.html) up to date after adding ADD
documents to an OUT of DOCUMENTS reports.

    .venv/bin/python bench/incremental.py [--documents 10000] [--add 10]

OUT is filled with report.json files written directly (no extraction): copies of the seed
reports, one agency per five documents, years 2021–2025, each year's carried_over set to the
previous year's carried_forward, so that the year-over-year links hold as in a real archive.
Then:
  1. the run's files are written for all of them (the first write);
  2. ADD text documents are processed into OUT (the same cost with any version of the run files)
     and the run's files are written again: the figure that matters;
  3. the run's files are written once more with nothing changed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import flows  # noqa: F401  (Prefect's settings before anything imports it)
from flows.document import process_document
from model.report import Report
from outputs.atomic import atomic_write_bytes
from outputs.layout import REPORT_NAME
from outputs.run_files import write_run_outputs

YEARS = (2021, 2022, 2023, 2024, 2025)


def seed_reports(tmp: Path) -> list[Report]:
    texts = sorted((ROOT / "samples" / "text").glob("*.txt"))
    return [process_document(t, tmp / "seeds" / t.name, t.name) for t in texts]


def fill(out: Path, seeds: list[Report], documents: int) -> list[str]:
    """`documents` report.json files in OUT; returns their ids."""
    ids = []
    previous: Report | None = None
    for i in range(documents):
        agency, year = divmod(i, len(YEARS))
        report = seeds[i % len(seeds)].model_copy(deep=True)
        report.agency = f"示例市第{agency:05d}号区人民政府"
        report.year = YEARS[year]
        report.source.path = doc_id = f"{YEARS[year]}/{agency:05d}.txt"
        report.source.sha256 = f"{i:064x}"
        applications = report.tables["applications"]
        if previous is not None and year:  # the carry holds, as it mostly does in an archive
            before = previous.tables["applications"]
            for cell in applications.cells:
                if cell.row == "carried_over":
                    cell.value = before.cell("carried_forward", cell.col).value
        atomic_write_bytes(out / doc_id / REPORT_NAME, report.to_json())
        previous = report
        ids.append(doc_id)
    return ids


def timed(label: str, action) -> float:
    started = time.perf_counter()
    action()
    elapsed = time.perf_counter() - started
    print(f"  {label}: {elapsed:.2f}s", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--add", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="build in this folder and leave it there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = args.keep or Path(tmp_name)
        out = tmp / "out"
        seeds = seed_reports(tmp)
        started = time.perf_counter()
        ids = fill(out, seeds, args.documents)
        print(f"{args.documents} report.json written in {time.perf_counter() - started:.1f}s")
        timed("run files, first write", lambda: write_run_outputs(ids, out))
        texts = sorted((ROOT / "samples" / "text").glob("*.txt"))
        inbox = tmp / "in"
        inbox.mkdir()
        added = []
        for i in range(args.add):
            name = f"new/{i:03d}.txt"
            (inbox / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(texts[i % len(texts)], inbox / name)
            added.append(name)

        def process_added() -> None:
            for name in added:
                process_document(inbox / name, out / name, name)

        processing = timed(f"processing {args.add} text documents", process_added)
        ids += added
        files = timed(f"run files after adding {args.add}", lambda: write_run_outputs(ids, out))
        timed("run files again, nothing changed", lambda: write_run_outputs(ids, out))
        print(
            f"adding {args.add} documents to {args.documents}: {processing + files:.2f}s "
            f"({processing:.2f}s processing, {files:.2f}s run files)"
        )


if __name__ == "__main__":
    main()
