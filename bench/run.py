"""Benchmark: seconds per document/page per route and cell accuracy on samples/.

    .venv/bin/python bench/run.py [--prefect]
    .venv/bin/python bench/run.py --scans [LEVEL ...] [--ocr cells page] [--seeds 000 002]

Each sample whose name matches a file in tests/truth/ is scored cell by cell. With --prefect,
also measures Prefect's fixed start-up cost and per-document overhead.

With --scans, the samples are not read: every seed's table pages are scanned afresh at each
degradation level (scripts/make_scan_samples.py, into a temporary folder) and read with each
OCR mode ("cells": cell crops, the default; "page": full-page text detection). Per level and
mode it prints s/page, cell accuracy, statuses, and the two numbers that must stay zero: wrong
cells in documents marked ok, and wrong cells carrying no flag.
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

from flows.document import process_document
from flows.inputs import find_documents

sys.path.insert(0, str(ROOT / "tests"))
from helpers import load_truth_cells, report_cells

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
    per_route = defaultdict(
        lambda: {"secs": [], "per_page": [], "right": 0, "cells": 0, "status": defaultdict(int)}
    )
    with tempfile.TemporaryDirectory() as tmp:
        for job in find_documents([samples], Path(tmp) / "out"):
            started = time.perf_counter()
            report = process_document(job.path, Path(tmp) / job.doc_id, job.doc_id).model_dump(
                mode="json"
            )
            secs = time.perf_counter() - started
            # A route is the input kind and the template: "pdf 2019" (a failed document: "pdf -").
            route = per_route[
                f"{report['source']['format'] or 'unknown'} {report['template'] or '-'}"
            ]
            route["secs"].append(secs)
            if report["source"]["pages"]:
                route["per_page"].append(secs / report["source"]["pages"])
            route["status"][report["status"]] += 1
            truth = truth_for(job.path)
            if truth:
                right, total = score(report, truth)
                route["right"] += right
                route["cells"] += total
    print(
        f"{'route':12} {'docs':>4} {'s/doc median':>12} {'s/doc max':>9} "
        f"{'s/page median':>13} {'cell accuracy':>22}  statuses"
    )
    for name, r in sorted(per_route.items()):
        s_page = f"{statistics.median(r['per_page']):.3f}" if r["per_page"] else "n/a"
        acc = f"{r['right']}/{r['cells']} = {r['right'] / r['cells']:.2%}" if r["cells"] else "n/a"
        print(
            f"{name:12} {len(r['secs']):>4} {statistics.median(r['secs']):>12.4f} "
            f"{max(r['secs']):>9.4f} {s_page:>13} {acc:>22}  {dict(r['status'])}"
        )


def bench_scans(
    levels: list[str], modes: list[str], seeds: list[str] | None, sources: list[Path] = ()
) -> None:
    """Scan the seeds' table pages (or every page of `sources`, born-digital PDFs with a truth
    file) afresh at each level, and read them."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_scan_samples import generate, scan

    from model.settings import ScanSettings
    from ocr import engine

    engine.get_engine()  # its start-up (~2.5 s) is paid once per process, not per page
    print(
        f"{'level':10} {'ocr':5} {'docs':>4} {'pages':>5} {'s/page median':>13} "
        f"{'cell accuracy':>22} {'wrong in ok':>11} {'wrong unflagged':>15}  statuses"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for level in levels:
            if sources:
                scans = [p for src in sources for p in scan(src, level, Path(tmp) / level)]
            else:
                scans = generate(Path(tmp) / level, [level], seeds, container="pdf", pages="tables")
            for mode in modes:
                per_page, right, cells, wrong_ok, unflagged = [], 0, 0, 0, 0
                statuses: dict[str, int] = defaultdict(int)
                pages = 0
                for path in scans:
                    started = time.perf_counter()
                    report = process_document(
                        path,
                        Path(tmp) / "out" / mode / path.name,
                        path.name,
                        ScanSettings(ocr=mode),
                    ).model_dump(mode="json")
                    secs = time.perf_counter() - started
                    pages += report["source"]["pages"] or 0
                    per_page.append(secs / max(1, report["source"]["pages"] or 1))
                    statuses[report["status"]] += 1
                    truth = truth_for(path)
                    wrong = wrong_cells(report, truth)
                    right += len(truth) - len(wrong)
                    cells += len(truth)
                    wrong_ok += len(wrong) if report["status"] == "ok" else 0
                    unflagged += sum(1 for c in wrong.values() if c is not None and not c["flags"])
                print(
                    f"{level:10} {mode:5} {len(scans):>4} {pages:>5} "
                    f"{statistics.median(per_page):>13.2f} "
                    f"{f'{right}/{cells} = {right / cells:.2%}':>22} {wrong_ok:>11} "
                    f"{unflagged:>15}  {dict(statuses)}",
                    flush=True,
                )


def wrong_cells(report: dict, truth: dict) -> dict:
    """(table, row, col) -> the report's cell (None when missing) for every cell not as truth."""
    got = report_cells(report)
    cells = {
        (t, c["row"], c["col"]): c for t, table in report["tables"].items() for c in table["cells"]
    }
    return {k: cells.get(k) for k, v in truth.items() if got.get(k, "∅") != v}


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
    print(
        f"prefect: first flow run with 1 document {one:.2f}s (includes starting the embedded "
        f"server); second run with {len(jobs)} documents, 2 workers: {everything:.2f}s "
        f"= {everything / len(jobs):.3f}s/document"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("samples", nargs="?", type=Path, default=ROOT / "samples")
    parser.add_argument("--prefect", action="store_true")
    parser.add_argument(
        "--scans",
        nargs="*",
        metavar="LEVEL",
        help="scan the seeds afresh at these levels (none given: all)",
    )
    parser.add_argument("--ocr", nargs="+", default=["cells"], choices=["cells", "page"])
    parser.add_argument("--seeds", nargs="+", help="seed prefixes for --scans (default: all)")
    parser.add_argument(
        "--sources",
        nargs="+",
        type=Path,
        default=[],
        help="for --scans: scan these born-digital PDFs (every page) instead of the seeds",
    )
    args = parser.parse_args()
    if args.scans is not None:
        sys.path.insert(0, str(ROOT / "scripts"))
        from make_scan_samples import LEVELS

        bench_scans(args.scans or list(LEVELS), args.ocr, args.seeds, args.sources)
        sys.exit(0)
    bench_routes(args.samples)
    if args.prefect:
        bench_prefect(args.samples)
