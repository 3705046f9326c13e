"""Build samples/office/ from the DOCX samples: the same reports as old office files.

- `<name>.doc`, `<name>.rtf`, `<name>.odt`: each DOCX sample (the five seeds in samples/docx and
  the three 2019-template reports in samples/t2019/docx) saved by LibreOffice as Word 97–2003,
  RTF and OpenDocument Text: one `soffice --convert-to` per format, with a private profile.
- `wps_<seed>.wps`: a stand-in for a Kingsoft WPS Writer file. WPS writes the Word 97 binary
  format plus streams of its own (`WpsCustomData`), and no WPS can run here, so this is the
  seed's `.doc` with its `\\x01Ole` stream (20 bytes LibreOffice writes and nobody reads)
  renamed `WpsCustomData` in the compound file's directory.

Needs LibreOffice (`soffice` on PATH). LibreOffice stamps the files with the time they were
made, so each run gives other bytes; the content is the same.
Run: python scripts/make_office_samples.py
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "samples" / "office"
SOURCES = [
    *sorted((ROOT / "samples" / "docx").glob("*.docx")),
    *sorted((ROOT / "samples" / "t2019" / "docx").glob("*.docx")),
]
# --convert-to argument per suffix: LibreOffice's export filter for each.
FORMATS = {"doc": "doc:MS Word 97", "rtf": "rtf:Rich Text Format", "odt": "odt:writer8"}
WPS_SEED = "001_1c640710511402cf"

DIRECTORY_ENTRY = 128  # bytes of one entry in a compound file's directory
NAME_FIELD = 64  # its name, UTF-16-LE, then a 2-byte length in bytes (with the final NUL)


def convert_all(sources: list[Path], out: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice not found: install LibreOffice (Debian: libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-samples-") as profile:
        for suffix, target in FORMATS.items():
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={Path(profile).as_uri()}",
                    "--headless",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(out),
                    *map(str, sources),
                ],
                check=True,
                capture_output=True,
            )
            for source in sources:
                made = out / f"{source.stem}.{suffix}"
                assert made.stat().st_size > 0, made


def rename_stream(data: bytes, old: str, new: str) -> bytes:
    """The compound file `data` with the directory entry named `old` renamed `new`. Entries
    are 128 bytes in sectors after a 512-byte header, so each starts at a multiple of 128."""
    old_name = old.encode("utf-16-le") + b"\0\0"
    new_name = new.encode("utf-16-le") + b"\0\0"
    for at in range(512, len(data) - DIRECTORY_ENTRY + 1, DIRECTORY_ENTRY):
        length = int.from_bytes(data[at + NAME_FIELD : at + NAME_FIELD + 2], "little")
        if length == len(old_name) and data[at : at + length] == old_name:
            entry = new_name.ljust(NAME_FIELD, b"\0") + len(new_name).to_bytes(2, "little")
            return data[:at] + entry + data[at + NAME_FIELD + 2 :]
    raise ValueError(f"no stream {old!r} in the directory")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    convert_all(SOURCES, OUT)
    doc = (OUT / f"{WPS_SEED}.doc").read_bytes()
    (OUT / f"wps_{WPS_SEED}.wps").write_bytes(rename_stream(doc, "\x01Ole", "WpsCustomData"))
    for path in sorted(OUT.iterdir()):
        print(f"{path.stat().st_size:>8}  {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
