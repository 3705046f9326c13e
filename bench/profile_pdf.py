"""Where the born-digital PDF route spends its time: cProfile over process_document.

    .venv/bin/python bench/profile_pdf.py [PDF ...] [--top 30] [--sort cumulative|tottime]

Without PDFs, profiles the born-digital samples (samples/pdf, samples/t2019/pdf, samples/real,
samples/appended). One document is processed first, outside the profile, so that imports and
the first calls (camelot's, pdfminer's font caches) do not count.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
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
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    args = parser.parse_args()
    pdfs = args.pdfs or born_digital_samples()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        process_document(pdfs[0], out / "warm", "warm")
        profile = cProfile.Profile()
        profile.enable()
        for i, pdf in enumerate(pdfs):
            process_document(pdf, out / str(i), pdf.name)
        profile.disable()
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
