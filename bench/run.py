"""Benchmark: seconds per document/page per route and cell accuracy on samples/.

    .venv/bin/python bench/run.py [--prefect]

Each sample whose name matches a file in tests/truth/ is scored cell by cell. With --prefect,
also measures Prefect's fixed start-up cost and per-document overhead.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.document import process_document  # noqa: E402
from flows.inputs import find_documents  # noqa: E402
from canonical.truth import load_truth_cells, report_cells  # noqa: E402

TRUTH = ROOT / "tests" / "truth"


def truth_for(path: Path) -> dict | None:
    """The truth file whose name starts the sample's name (000_….wqy-zenhei.pdf → 000_….json)."""
    for truth in TRUTH.glob("*.json"):
        if path.name.startswith(truth.stem):
            return load_truth_cells(truth)
    return None


def score(report: dict, truth: dict) -> tuple[int, int]:
    got = report_cells(report)
    return sum(got.get(k, "∅") == v for k, v in truth.items()), len(truth)


def bench_routes(samples: Path) -> None:
    per_route = defaultdict(lambda: {"secs": [], "per_page": [], "right": 0, "cells": 0,
                                     "status": defaultdict(int)})
    with tempfile.TemporaryDirectory() as tmp:
        for job in find_documents([samples], Path(tmp) / "out"):
            started = time.perf_counter()
            report = process_document(job.path, Path(tmp) / job.doc_id, job.doc_id)
            secs = time.perf_counter() - started
            route = per_route[report["source"]["format"] or "unknown"]
            route["secs"].append(secs)
            if report["source"]["pages"]:
                route["per_page"].append(secs / report["source"]["pages"])
            route["status"][report["status"]] += 1
            truth = truth_for(job.path)
            if truth:
                right, total = score(report, truth)
                route["right"] += right
                route["cells"] += total
    print(f"{'route':8} {'docs':>4} {'s/doc median':>12} {'s/doc max':>9} "
          f"{'s/page median':>13} {'cell accuracy':>22}  statuses")
    for name, r in sorted(per_route.items()):
        s_page = f"{statistics.median(r['per_page']):.3f}" if r["per_page"] else "n/a"
        acc = f"{r['right']}/{r['cells']} = {r['right'] / r['cells']:.2%}" if r["cells"] else "n/a"
        print(f"{name:8} {len(r['secs']):>4} {statistics.median(r['secs']):>12.4f} "
              f"{max(r['secs']):>9.4f} {s_page:>13} {acc:>22}  {dict(r['status'])}")


def bench_prefect(samples: Path) -> None:
    from flows import batch
    jobs = find_documents([samples], samples)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        batch.run(jobs[:1], Path(tmp) / "one", 1)
        one = time.perf_counter() - t0
        t0 = time.perf_counter()
        batch.run(jobs, Path(tmp) / "all", 2)
        everything = time.perf_counter() - t0
    print(f"prefect: first flow run with 1 document {one:.2f}s (includes starting the embedded "
          f"server); second run with {len(jobs)} documents, 2 workers: {everything:.2f}s "
          f"= {everything / len(jobs):.3f}s/document")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("samples", nargs="?", type=Path, default=ROOT / "samples")
    parser.add_argument("--prefect", action="store_true")
    args = parser.parse_args()
    bench_routes(args.samples)
    if args.prefect:
        bench_prefect(args.samples)
