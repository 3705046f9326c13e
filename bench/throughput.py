"""Throughput of `nianbao run`, and what Prefect costs per document.

    .venv/bin/python bench/throughput.py [FOLDER] [--workers 2] [--copies 200] [--no-mixed]

1. Orchestration overhead: COPIES fast documents (the text samples, copied under distinct
   names) are processed with one worker, first by calling process_document in a loop, then
   through the Prefect flow (after a first flow run that pays Prefect's start-up). The
   difference per document is Prefect's cost: task run creation, state changes, the window.
   A second pass through the flow, where every document is skipped, gives the cost of resuming.
   The same documents through the flow with --workers give the rate for text-like documents.
2. Throughput: the flow over FOLDER (default samples/: text, DOCX, born-digital and real PDFs,
   scans), with --workers, in documents per hour (Prefect's start-up excluded, unless
   --copies 0).

Other processes on the machine slow all of it; the load average is printed alongside.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows import batch
from flows.document import process_document
from flows.inputs import find_documents
from outputs.run_files import write_run_outputs


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


STARTED = []  # a flow has run in this process: Prefect's start-up is paid


def overhead(tmp: Path, copies: int, workers: int) -> None:
    texts = sorted((ROOT / "samples" / "text").glob("*.txt"))
    inbox = tmp / "copies"
    inbox.mkdir()
    for i in range(copies):
        shutil.copyfile(texts[i % len(texts)], inbox / f"{i:05d}.txt")
    jobs = find_documents([inbox], tmp / "none")

    t0 = time.perf_counter()
    batch.run(jobs[:1], tmp / "warm", 1)
    startup = time.perf_counter() - t0
    STARTED.append(True)

    direct = []
    t0 = time.perf_counter()
    for job in jobs:
        s = time.perf_counter()
        process_document(job.path, tmp / "direct" / job.doc_id, job.doc_id)
        direct.append(time.perf_counter() - s)
    t_direct = time.perf_counter() - t0

    t0 = time.perf_counter()
    batch.run(jobs, tmp / "prefect", 1)
    t_prefect = time.perf_counter() - t0

    t0 = time.perf_counter()
    write_run_outputs([j.doc_id for j in jobs], tmp / "prefect")
    t_dataset = time.perf_counter() - t0

    t0 = time.perf_counter()
    skipped = batch.run(jobs, tmp / "prefect", 1)
    t_skip = time.perf_counter() - t0
    assert skipped["skipped"] == len(jobs)

    n = len(jobs)
    print(f"orchestration, {n} text documents, 1 worker (load {load()}):")
    print(f"  Prefect start-up (first flow run, embedded server): {startup:.2f}s")
    print(
        f"  process_document in a loop: {t_direct:.2f}s = {1000 * t_direct / n:.1f} ms/doc "
        f"(median {1000 * statistics.median(direct):.1f} ms)"
    )
    print(f"  through the Prefect flow:   {t_prefect:.2f}s = {1000 * t_prefect / n:.1f} ms/doc")
    print(
        f"  then dataset + summary.html, rebuilt from disk: {t_dataset:.2f}s = "
        f"{1000 * t_dataset / n:.1f} ms/doc"
    )
    print(f"  Prefect overhead: {1000 * (t_prefect - t_direct) / n:.1f} ms/doc")
    print(
        f"  resumed, all skipped:       {t_skip:.2f}s = {1000 * t_skip / n:.1f} ms/doc "
        f"(hash + read report.json)"
    )
    t0 = time.perf_counter()
    batch.run(jobs, tmp / f"prefect{workers}", workers)
    t_workers = time.perf_counter() - t0
    print(
        f"  through the Prefect flow, {workers} workers: {t_workers:.2f}s = "
        f"{3600 * n / t_workers:.0f} documents/hour"
    )


def throughput(tmp: Path, folder: Path, workers: int) -> None:
    jobs = find_documents([folder], tmp / "out")
    formats = Counter(p.suffix.lower() or "(none)" for p in (j.path for j in jobs))
    started = bool(STARTED)
    t0 = time.perf_counter()
    counts = batch.run(jobs, tmp / "out", workers)
    write_run_outputs([j.doc_id for j in jobs], tmp / "out")
    elapsed = time.perf_counter() - t0
    statuses = {s: counts[s] for s in ("ok", "needs_review", "failed")}
    print(
        f"throughput, {len(jobs)} documents in {folder} {dict(sorted(formats.items()))}, "
        f"{workers} workers (load {load()}):"
    )
    print(
        f"  {elapsed:.1f}s = {elapsed / len(jobs):.2f} s/doc = "
        f"{3600 * len(jobs) / elapsed:.0f} documents/hour "
        f"({'Prefect already started' if started else 'including Prefect start-up'}); "
        f"{dict(statuses)}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "samples")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--copies", type=int, default=200, help="0: no overhead measure")
    parser.add_argument("--no-mixed", action="store_true", help="only the overhead")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        if args.copies:
            overhead(Path(tmp), args.copies, args.workers)
        if not args.no_mixed:
            throughput(Path(tmp), args.folder, args.workers)
