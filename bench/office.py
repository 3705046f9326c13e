"""Benchmark of old office files (extractors/office.py): seconds per document and cells right.

    .venv/bin/python bench/office.py [--copies 50]

1. Bulk: COPIES copies of one seed's .doc, under distinct names, through process_document in
   one process, as a worker runs them: the first pays for starting LibreOffice, the rest show
   what a bulk run costs per document (conversion, the DOCX route, checks, outputs). Then the
   conversion alone, 20 times.
2. Every sample in samples/office/ scored cell by cell against tests/truth/, per format, with
   its median seconds per document (LibreOffice already running).

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
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import office
from flows.document import process_document

sys.path.insert(0, str(ROOT / "tests"))
from helpers import TRUTH, load_truth_cells, report_cells

OFFICE = ROOT / "samples" / "office"
SEED = "000_de4a6e6b343917dd"


def timed(path: Path, out: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    report = process_document(path, out / path.name, path.name).model_dump(mode="json")
    return time.perf_counter() - started, report


def bench_bulk(copies: int, tmp: Path) -> None:
    inbox = tmp / "inbox"
    inbox.mkdir()
    for n in range(copies):
        shutil.copyfile(OFFICE / f"{SEED}.doc", inbox / f"report_{n:03d}.doc")
    seconds = []
    for path in sorted(inbox.iterdir()):
        secs, report = timed(path, tmp / "bulk")
        assert report["status"] == "ok", report.get("error")
        seconds.append(secs)
    rest = seconds[1:]
    print(f"bulk: {copies} .doc, LibreOffice started {office.starts} time(s)")
    print(f"  first document (starts LibreOffice): {seconds[0]:.2f} s")
    if rest:
        print(
            f"  following {len(rest)}: median {statistics.median(rest):.3f} s/doc, "
            f"mean {statistics.mean(rest):.3f}, max {max(rest):.3f}"
        )
    conversions = []
    for n in range(min(copies, 20)):
        source, target = inbox / f"report_{n:03d}.doc", tmp / f"converted_{n}.docx"
        started = time.perf_counter()
        office.convert(source, target, "doc", office.CONVERT_TIMEOUT)
        conversions.append(time.perf_counter() - started)
    print(
        f"  of which LibreOffice's conversion alone: median {statistics.median(conversions):.3f} s"
    )


def bench_formats(tmp: Path) -> None:
    per_format: dict[str, dict] = defaultdict(lambda: {"secs": [], "right": 0, "cells": 0})
    for path in sorted(OFFICE.iterdir()):
        secs, report = timed(path, tmp / "formats")
        truth = load_truth_cells(TRUTH / f"{path.stem.removeprefix('wps_')}.json")
        got = report_cells(report)
        stats = per_format[report["source"]["format"]]
        stats["secs"].append(secs)
        stats["right"] += sum(got.get(k, "∅") == v for k, v in truth.items())
        stats["cells"] += len(truth)
    print("format  docs  cells right  s/doc median")
    for fmt, stats in sorted(per_format.items()):
        print(
            f"{fmt:6}  {len(stats['secs']):4}  {stats['right']:>5}/{stats['cells']:<5}  "
            f"{statistics.median(stats['secs']):.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=50)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        bench_bulk(args.copies, Path(tmp))
        bench_formats(Path(tmp))
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
