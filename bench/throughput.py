"""Throughput of `nianbao run`, what Prefect costs per document, and the PDF route's s/page.

    .venv/bin/python bench/throughput.py [FOLDER] [--workers 1 2] [--copies 200] [--no-mixed]
        [--pdf-copies 3] [--rounds 3]

1. Orchestration overhead: COPIES fast documents (the text samples, copied under distinct
   names) are processed with one worker, first by calling process_document in a loop, then
   through the Prefect flow (after a first flow run that pays Prefect's start-up). The
   difference per document is Prefect's cost: task run creation, state changes, the window.
   A second pass through the flow, where every document is skipped, gives the cost of resuming.
   The same documents through the flow with --workers give the rate for text-like documents.
2. Throughput: the flow over FOLDER (default samples/: text, DOCX, web pages, born-digital
   and real PDFs, scans), and over the born-digital PDFs alone (each copied --pdf-copies
   times), at each --workers, in documents per hour, with the scaling against the first
   --workers and each worker's peak resident memory (VmHWM). Prefect's and the workers'
   start-up are excluded: the pool does a document per worker first.
3. Born-digital PDFs, s/page per document without Prefect (process_document, outputs
   written), against a plain pdfplumber pass over the same files (open, find_tables,
   extract each table), interleaved document by document, --rounds times; the median over
   rounds per document, then the median over documents.

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

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows import batch
from flows.document import process_document
from flows.inputs import find_documents
from flows.workers import WorkerPool
from model.limits import DEFAULT as DEFAULT_LIMITS
from outputs.run_files import write_run_outputs

SAMPLES = ROOT / "samples"
BORN_DIGITAL = [
    *sorted((SAMPLES / "pdf").glob("*.pdf")),
    *sorted((SAMPLES / "t2019" / "pdf").glob("*.pdf")),
    SAMPLES / "real" / "hzq2023_working.pdf",
    *sorted((SAMPLES / "appended").glob("*.pdf")),
]


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


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


def throughput(tmp: Path, folder: Path, workers: int) -> float:
    """Documents per hour of the flow over `folder`, with a pool started and warmed first."""
    jobs = find_documents([folder], tmp / "none")
    formats = Counter(p.suffix.lower() or "(none)" for p in (j.path for j in jobs))
    pool = WorkerPool(workers, DEFAULT_LIMITS)
    try:
        warm = find_documents([SAMPLES / "text"], tmp / "none")[:workers]
        batch.run(warm, tmp / f"warm{workers}", workers, pool=pool)
        out = tmp / f"out-{folder.name}-{workers}"
        t0 = time.perf_counter()
        counts = batch.run(jobs, out, workers, pool=pool)
        elapsed = time.perf_counter() - t0
        peaks = [peak_rss_mb(w.process.pid) for w in pool._all]  # before the pool stops them
    finally:
        pool.close()
    rate = 3600 * len(jobs) / elapsed
    statuses = {s: counts[s] for s in ("ok", "needs_review", "failed")}
    print(
        f"  {workers} worker(s): {len(jobs)} documents {dict(sorted(formats.items()))} in "
        f"{elapsed:.1f}s = {elapsed / len(jobs):.2f} s/doc = {rate:.0f} documents/hour; "
        f"{statuses}; peak memory per worker {', '.join(f'{p:.0f}' for p in peaks)} MB "
        f"(load {load()})",
        flush=True,
    )
    return rate


def peak_rss_mb(pid: int) -> float:
    """A process's resident memory high-water mark (VmHWM)."""
    with open(f"/proc/{pid}/status") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    return kb / 1024


def scaling(tmp: Path, name: str, folder: Path, workers: list[int]) -> None:
    print(f"throughput, {name} ({folder}):", flush=True)
    rates = [throughput(tmp, folder, n) for n in workers]
    for n, rate in zip(workers[1:], rates[1:]):
        print(f"  {n} workers / {workers[0]}: {rate / rates[0]:.2f}x")


def pdf_folder(tmp: Path, copies: int) -> Path:
    """The born-digital samples, each `copies` times under distinct names."""
    folder = tmp / "pdfs"
    folder.mkdir()
    for i in range(copies):
        for pdf in BORN_DIGITAL:
            shutil.copyfile(pdf, folder / f"{i}-{pdf.name}")
    return folder


def plain_pdfplumber(path: Path) -> int:
    """What a thin pdfplumber glue does: every page's tables, found and extracted."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.find_tables():
                table.extract()
        return len(pdf.pages)


def seconds_per_page(tmp: Path, rounds: int) -> None:
    process_document(BORN_DIGITAL[0], tmp / "warm-pdf", "warm")  # imports, camelot's first call
    ours: dict[Path, list[float]] = {p: [] for p in BORN_DIGITAL}
    plain: dict[Path, list[float]] = {p: [] for p in BORN_DIGITAL}
    for r in range(rounds):
        for pdf in BORN_DIGITAL:
            t0 = time.perf_counter()
            report = process_document(pdf, tmp / f"spp{r}" / pdf.name, pdf.name)
            ours[pdf].append((time.perf_counter() - t0) / report.source.pages)
            t0 = time.perf_counter()
            pages = plain_pdfplumber(pdf)
            plain[pdf].append((time.perf_counter() - t0) / pages)
    print(
        f"born-digital PDFs, s/page per document without Prefect, median of {rounds} "
        f"interleaved rounds (load {load()}):"
    )
    print(f"  {'document':48} {'nianbao':>8} {'pdfplumber':>11}")
    for pdf in BORN_DIGITAL:
        print(
            f"  {pdf.name:48} {statistics.median(ours[pdf]):8.3f} "
            f"{statistics.median(plain[pdf]):11.3f}"
        )
    ours_median = statistics.median(statistics.median(v) for v in ours.values())
    plain_median = statistics.median(statistics.median(v) for v in plain.values())
    print(
        f"  median over documents: nianbao {ours_median:.3f} s/page, plain pdfplumber "
        f"find_tables {plain_median:.3f} s/page ({ours_median / plain_median:.2f}x)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path, default=SAMPLES)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--copies", type=int, default=200, help="0: no overhead measure")
    parser.add_argument("--no-mixed", action="store_true", help="only the overhead")
    parser.add_argument("--pdf-copies", type=int, default=3, help="0: no PDF-only throughput")
    parser.add_argument("--rounds", type=int, default=3, help="0: no s/page comparison")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load {load()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.copies:
            overhead(tmp, args.copies, max(args.workers))
        if args.rounds:
            seconds_per_page(tmp, args.rounds)
        if args.pdf_copies:
            scaling(tmp, "born-digital PDFs", pdf_folder(tmp, args.pdf_copies), args.workers)
        if not args.no_mixed:
            scaling(tmp, "mixed folder", args.folder, args.workers)
    print(f"done (load {load()})")
