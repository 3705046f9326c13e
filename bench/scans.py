"""Benchmark the scan route on a random draw of whole scanned reports (issue 12).

    .venv/bin/python bench/scans.py [--draw tune|fresh ...] [--documents 42] [--jobs 2]
                                    [--corpus DIR] [--json FILE]

A draw is made by scripts/make_scan_corpus.py: the tune draw is seed 1 (develop on it), the fresh
draw seed 41 (FRESH_SEED; seeds 2-40 are retired) with every range widened a little (report on
it; do not look at it before). Given --corpus DIR holding a draw's .manifest.json, that corpus
is read as it is; otherwise the draw is generated into DIR (default /tmp/nianbao-corpus-<draw>)
first, which needs LibreOffice.

Every document goes through flows.document.process_document, in --jobs worker processes whose
OCR engine is warmed up before the first document. Per category it prints: documents, pages,
cells right, documents with every table found, wrong cells without a flag, wrong cells in `ok`
documents, agency and year right (of documents whose page 1 is included), the share
`needs_review`, and the median seconds per page (timed per document inside its process); then
the throughput: the draw's wall-clock time over its pages, --jobs documents read at once (the
workers' start and warm-up included).

The JSON file (default /tmp/corpus-<draw>.json) lists every wrong cell (document, table, row,
col, truth, value, text, confidence, flags, page), every missing table, and each document's
status, timing and warnings, for failure analysis.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

from make_scan_corpus import CATEGORIES, FRESH_SEED, MANIFEST, TUNE_SEED, load_manifest, make_corpus
from run import truth_for, wrong_cells

DRAWS = {"tune": (TUNE_SEED, False), "fresh": (FRESH_SEED, True)}  # name -> (seed, wide)
TABLES = ("active_disclosure", "applications", "reviews_litigation")


# ---------------------------------------------------------------- one document (in a worker)


def _warm_up() -> None:
    from ocr import engine

    engine.get_engine()  # its start-up (~2.5 s) is paid once per process, not per page


def read_document(doc: dict, corpus: Path, out_root: Path) -> dict:
    """Process one corpus document and score it against its truth."""
    from flows.document import process_document

    path = corpus / doc["file"]
    started = time.perf_counter()
    report = process_document(path, out_root / doc["file"], doc["file"]).model_dump(mode="json")
    secs = time.perf_counter() - started
    pages = report["source"]["pages"] or len(doc["pages"])
    truth = truth_for(path)
    wrong = wrong_cells(report, truth)
    missing = [t for t in TABLES if not report["tables"].get(t, {}).get("cells")]
    return {
        "file": doc["file"],
        "category": doc["category"],
        "status": report["status"],
        "error": report.get("error"),
        "pages": pages,
        "secs": round(secs, 2),
        "s_per_page": round(secs / max(1, pages), 3),
        "cells": len(truth),
        "right": len(truth) - len(wrong),
        "missing_tables": missing,
        "agency": report.get("agency"),
        "year": report.get("year"),
        "agency_year_right": (
            (report.get("agency"), report.get("year")) == (doc["agency"], doc["year"])
            if doc["page1_included"]
            else None
        ),
        "warnings": report.get("warnings", []),
        "wrong": [_wrong_entry(doc["file"], key, truth[key], cell) for key, cell in wrong.items()],
    }


def _wrong_entry(document: str, key: tuple[str, str, str], truth, cell: dict | None) -> dict:
    table, row, col = key
    cell = cell or {}
    return {
        "document": document,
        "table": table,
        "row": row,
        "col": col,
        "truth": truth,
        "value": cell.get("value"),
        "text": cell.get("text"),
        "confidence": cell.get("confidence"),
        "flags": cell.get("flags", []),
        "page": cell.get("page"),
        "missing": not cell,
    }


# ---------------------------------------------------------------- the table


def summarise(results: list[dict]) -> dict:
    """Figures for one group of documents."""
    cells = sum(r["cells"] for r in results)
    right = sum(r["right"] for r in results)
    wrong = [w for r in results for w in r["wrong"]]
    with_page1 = [r for r in results if r["agency_year_right"] is not None]
    return {
        "docs": len(results),
        "pages": sum(r["pages"] for r in results),
        "cells": cells,
        "right": right,
        "all_tables": sum(1 for r in results if not r["missing_tables"]),
        "unflagged": sum(1 for w in wrong if not w["missing"] and not w["flags"]),
        "wrong_in_ok": sum(len(r["wrong"]) for r in results if r["status"] == "ok"),
        "agency_right": sum(1 for r in with_page1 if r["agency_year_right"]),
        "with_page1": len(with_page1),
        "needs_review": sum(1 for r in results if r["status"] == "needs_review"),
        "failed": sum(1 for r in results if r["status"] == "failed"),
        "s_page_median": statistics.median(r["s_per_page"] for r in results),
    }


def print_table(title: str, results: list[dict]) -> None:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        groups[r["category"]].append(r)
    print(f"\n{title}")
    print(
        f"{'category':9} {'docs':>4} {'pages':>5} {'cells right':>22} {'all tables':>10} "
        f"{'unflagged':>9} {'wrong in ok':>11} {'agency+year':>11} {'review':>6} "
        f"{'failed':>6} {'s/page':>6}"
    )
    names = [c for c in CATEGORIES if c in groups] + ["all"]
    for name in names:
        s = summarise(results if name == "all" else groups[name])
        cells = f"{s['right']}/{s['cells']} = {s['right'] / max(1, s['cells']):.2%}"
        agency = f"{s['agency_right']}/{s['with_page1']}"
        review = f"{s['needs_review'] / max(1, s['docs']):.0%}"
        print(
            f"{name:9} {s['docs']:>4} {s['pages']:>5} {cells:>22} "
            f"{s['all_tables']:>5}/{s['docs']:<4} {s['unflagged']:>9} {s['wrong_in_ok']:>11} "
            f"{agency:>11} {review:>6} {s['failed']:>6} {s['s_page_median']:>6.2f}",
            flush=True,
        )


# ---------------------------------------------------------------- a draw


def corpus_for(draw: str, corpus: Path | None, documents: int, jobs: int) -> Path:
    """The draw's corpus folder, generated first unless it already holds a manifest."""
    folder = corpus or Path(tempfile.gettempdir()) / f"nianbao-corpus-{draw}"
    if (folder / MANIFEST).exists():
        return folder
    seed, wide = DRAWS[draw]
    print(f"generating the {draw} draw (seed {seed}) into {folder} ...", flush=True)
    make_corpus(folder, seed, documents, wide, jobs=jobs)
    return folder


def bench_draw(draw: str, corpus: Path, jobs: int, json_path: Path) -> list[dict]:
    manifest = load_manifest(corpus)
    docs = manifest["documents"]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        args = [(doc, corpus, Path(tmp)) for doc in docs]
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(max(1, jobs), initializer=_warm_up) as pool:
            results = []
            for result in pool.imap_unordered(_read_star, args):
                results.append(result)
                print(
                    f"  {result['file']:48} {result['status']:12} "
                    f"{result['right']:>3}/{result['cells']:<3} {result['s_per_page']:5.2f} s/page",
                    flush=True,
                )
    elapsed = time.perf_counter() - started
    results.sort(key=lambda r: r["file"])
    name = next((n for n, sw in DRAWS.items() if sw == (manifest["seed"], manifest["wide"])), "a")
    if manifest.get("committed"):
        name = "committed subset of the tune"
    pages = sum(r["pages"] for r in results)
    title = (
        f"{name} draw (seed {manifest['seed']}{', wide' if manifest['wide'] else ''}): "
        f"{len(docs)} documents from {corpus}, {jobs} process(es), {elapsed:.0f} s"
    )
    print_table(title, results)
    # What a bulk run takes: the draw's wall-clock time over its pages, documents side by side.
    print(f"throughput: {elapsed / max(1, pages):.2f} s of wall-clock per page ({pages} pages)")
    json_path.write_text(
        json.dumps(
            {
                "draw": name,
                "seed": manifest["seed"],
                "wide": manifest["wide"],
                "corpus": str(corpus),
                "elapsed_s": round(elapsed, 1),
                "throughput_s_page": round(elapsed / max(1, pages), 3),
                "summary": summarise(results),
                "wrong_cells": [w for r in results for w in r["wrong"]],
                "missing_tables": [
                    {"document": r["file"], "table": t, "status": r["status"], "error": r["error"]}
                    for r in results
                    for t in r["missing_tables"]
                ],
                "documents": [{k: v for k, v in r.items() if k != "wrong"} for r in results],
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"wrong cells and missing tables: {json_path}")
    return results


def _read_star(args: tuple) -> dict:
    return read_document(*args)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draw", nargs="+", default=["tune"], choices=list(DRAWS))
    ap.add_argument("--corpus", type=Path, help="the draw's corpus folder (one draw only)")
    ap.add_argument("--documents", type=int, default=42, help="documents in a generated draw")
    ap.add_argument("--jobs", type=int, default=2, help="documents read at once (processes)")
    ap.add_argument("--json", type=Path, help="where to write the failures (one draw only)")
    args = ap.parse_args()
    if len(args.draw) > 1 and (args.corpus or args.json):
        ap.error("--corpus and --json name one draw's files: give one --draw with them")
    for draw in args.draw:
        corpus = corpus_for(draw, args.corpus, args.documents, args.jobs)
        json_path = args.json or Path(tempfile.gettempdir()) / f"corpus-{draw}.json"
        bench_draw(draw, corpus, args.jobs, json_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
