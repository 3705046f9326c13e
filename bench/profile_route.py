"""Where a route spends its time: cProfile over process_document.

    .venv/bin/python bench/profile_route.py [DOC ...] [--top 40] [--sort cumulative|tottime]

Without documents, profiles the born-digital PDF samples (samples/pdf, samples/t2019/pdf,
samples/real, samples/appended). The first document is processed once first, outside the
profile, so that imports and start-up (the OCR engine, camelot's and pdfminer's font caches) do
not count.
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

SAMPLES = ROOT / "samples"


def born_digital_samples() -> list[Path]:
    folders = [SAMPLES / "pdf", SAMPLES / "t2019" / "pdf", SAMPLES / "real", SAMPLES / "appended"]
    return [p for folder in folders for p in sorted(folder.glob("*.pdf"))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("documents", nargs="*", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    args = parser.parse_args()
    documents = args.documents or born_digital_samples()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        process_document(documents[0], out / "warm", "warm")
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for i, document in enumerate(documents):
            report = process_document(document, out / str(i), document.name)
            print(document.name, report.status, report.source.pages, "pages", file=sys.stderr)
        profile.disable()
        print(f"{time.perf_counter() - started:.2f} s", file=sys.stderr)
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
