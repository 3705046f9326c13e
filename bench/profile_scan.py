"""Where the scan route spends its time: cProfile over process_document on scanned documents.

    .venv/bin/python bench/profile_scan.py DOC [DOC ...] [--top 40] [--sort cumulative|tottime]

The OCR engine is built first, outside the profile (its start-up is paid once per process).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.document import process_document
from ocr import engine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("documents", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    args = parser.parse_args()
    engine.get_engine()
    with tempfile.TemporaryDirectory() as tmp:
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for i, document in enumerate(args.documents):
            report = process_document(document, Path(tmp) / str(i), document.name)
            print(document.name, report.status, report.source.pages, "pages", file=sys.stderr)
        profile.disable()
        print(f"{time.perf_counter() - started:.2f} s", file=sys.stderr)
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
