"""Does memory stay flat over a long run? Resident memory of a run over COPIES text documents.

    .venv/bin/python bench/memory.py [--copies 5000] [--workers 2]

Text documents are the fastest, so the run's own bookkeeping (Prefect's records of its task
runs, the documents' briefs) weighs the most against the work. Resident memory is printed every
500 documents, and the growth per 1,000 documents after the first part, when Prefect, pandas
and the allocator have settled.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows import batch
from flows.inputs import find_documents


def resident_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    texts = sorted((ROOT / "samples" / "text").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        inbox = tmp / "in"
        inbox.mkdir()
        for i in range(args.copies):
            shutil.copyfile(texts[i % len(texts)], inbox / f"{i:06d}.txt")
        jobs = find_documents([inbox], tmp / "out")
        batch.run(jobs[:10], tmp / "warm", args.workers)  # Prefect's start-up

        samples: list[tuple[int, float]] = []

        def done(job, brief):
            done.count += 1
            if done.count % 500 == 0:
                gc.collect()
                samples.append((done.count, resident_mb()))
                print(f"  {done.count:6d} documents: {samples[-1][1]:7.1f} MB", flush=True)

        done.count = 0
        batch.on_document_done = done
        start_mb, t0 = resident_mb(), time.perf_counter()
        print(
            f"{args.copies} text documents, part size {batch.PART_SIZE}, "
            f"{args.workers} workers; before: {start_mb:.1f} MB"
        )
        batch.run(jobs, tmp / "out", args.workers)
        elapsed = time.perf_counter() - t0
        gc.collect()
        print(f"  after the run and the dataset: {resident_mb():.1f} MB ({elapsed:.0f}s)")
        settled = [s for s in samples if s[0] > batch.PART_SIZE]
        if len(settled) >= 2:
            (n0, mb0), (n1, mb1) = settled[0], settled[-1]
            print(
                f"growth from {n0} to {n1} documents: {mb1 - mb0:+.1f} MB = "
                f"{1000 * (mb1 - mb0) / (n1 - n0):+.2f} MB per 1,000 documents"
            )


if __name__ == "__main__":
    main()
