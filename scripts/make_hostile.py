"""Make the hostile test corpus: small files that break readers, and what the pipeline must
make of each (docs/hostile-corpus.md has the table).

Every file is small on disk (the largest is the 5 MB text file the list asks for; the bombs are
about 1 MB). The bombs are written by streaming: nothing here ever holds the expanded data in
memory, and nothing here decompresses them.

    .venv/bin/python scripts/make_hostile.py FOLDER [--link-url URL] [--markdown]

writes the corpus into FOLDER (which must be empty or absent), the target of the link that points
out of it into FOLDER-outside beside it, and prints the manifest. tests/test_hostile.py runs
`nianbao run` on it and checks every case.

Expectations (Case.expect):
- "skipped": the walk must not process it and must list it in OUT/skipped.csv with a reason;
- "absent": no report; listed in OUT/skipped.csv or left out silently (an empty folder, a
  hidden file, an Office lock file);
- "good": status ok and every cell equal to tests/truth/<truth>.json;
- (status, codes): that status and, when failed, an error_code among `codes`.
`also` holds other outcomes that are just as acceptable. "internal_error" is never expected.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import shutil
import struct
import sys
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOOD_TEXT = "000_de4a6e6b343917dd"  # samples/text/<id>.txt, tests/truth/<id>.json
GOOD_DOCX = "001_1c640710511402cf"  # samples/docx/<id>.docx
GOOD_PDF = SAMPLES / "pdf" / f"{GOOD_TEXT}.noto-serif-sc.pdf"
GOOD_JPG = SAMPLES / "scans" / "004_35a7a0986a780ec4.rotated90.p4.jpg"
# Where the external links of the DOCX case point: nothing listens on the discard port.
DEFAULT_LINK_URL = "http://127.0.0.1:9/nianbao-hostile"

# The pipeline's limits (model/limits.py); cases are made just under and just over each.
MAX_PAGES = 500
MAX_FRAMES = 200
MAX_MEGAPIXELS = 100
MAX_CELLS = 20000
MAX_GRID_SPAN = MAX_CELLS  # a one-cell table's span is its grid positions: max_cells bounds it


def use_limits(pages: int, frames: int) -> None:
    """Make the page and frame cases around other limits (the test lowers them: 499 blank
    pages take minutes to read; 19 and 21 show the same)."""
    global MAX_PAGES, MAX_FRAMES
    MAX_PAGES, MAX_FRAMES = pages, frames


Outcome = tuple[str, frozenset[str]]  # (status, acceptable error codes; empty unless failed)
Expect = str | Outcome  # "skipped" | "absent" | "good" | Outcome

SKIPPED = "skipped"
ABSENT = "absent"
GOOD = "good"


def failed(*codes: str) -> Outcome:
    return ("failed", frozenset(codes))


NEEDS_REVIEW: Outcome = ("needs_review", frozenset())


@dataclass(frozen=True)
class Case:
    path: str  # relative to the corpus folder, "/"-separated (surrogate escapes for non-UTF-8)
    what: str
    expect: Expect
    also: tuple[Expect, ...] = ()  # other outcomes that are just as acceptable
    truth: str | None = None  # for "good": the tests/truth file its cells must equal
    sha256: str | None = None  # of a regular file's content: finds a report kept under another id

    @property
    def outcomes(self) -> tuple[Expect, ...]:
        return (self.expect, *self.also)


def describe(expect: Expect) -> str:
    if isinstance(expect, str):
        return expect
    status, codes = expect
    return f"{status} {'/'.join(sorted(codes))}".strip()


# --- the corpus ---------------------------------------------------------------------------


def make_corpus(
    folder: Path, link_url: str = DEFAULT_LINK_URL, outside: Path | None = None
) -> list[Case]:
    """Write the corpus into `folder` and return its cases. `outside` (default: FOLDER-outside
    beside it) receives the target of the link that points out of the folder."""
    folder = Path(folder)
    outside = outside or folder.with_name(folder.name + "-outside")
    folder.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    writer = _Writer(folder)
    _good(writer)
    _entries(writer, outside)
    _garbage(writer)
    _docx(writer, link_url)
    _pdf(writer)
    _images(writer)
    _archive(writer)
    return writer.cases


class _Writer:
    """Writes files into the corpus folder and records their cases."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.cases: list[Case] = []

    def path(self, rel: str) -> Path:
        path = self.folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def add(self, rel: str, what: str, expect: Expect, *also: Expect, truth: str | None = None):
        path = self.folder / rel
        digest = None
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 64 << 20:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        self.cases.append(Case(rel, what, expect, also, truth, digest))

    def write(
        self,
        rel: str,
        data: bytes,
        what: str,
        expect: Expect,
        *also: Expect,
        truth: str | None = None,
    ) -> None:
        self.path(rel).write_bytes(data)
        self.add(rel, what, expect, *also, truth=truth)

    def good_copy(self, rel: str, what: str, extra_newlines: int) -> None:
        self.path(rel).write_bytes(_good_text(extra_newlines))
        self.add(rel, what, GOOD, truth=GOOD_TEXT)


def _good_text(extra_newlines: int = 0) -> bytes:
    """The good text report, made unique by trailing empty lines (which end no row: the text
    format ignores them), so that its report can be found by its content's sha256."""
    return (SAMPLES / "text" / f"{GOOD_TEXT}.txt").read_bytes() + b"\n" * extra_newlines


def _good(w: _Writer) -> None:
    for kind, seed in (("text", GOOD_TEXT), ("docx", GOOD_DOCX)):
        name = f"good/{seed}.{'txt' if kind == 'text' else kind}"
        shutil.copyfile(SAMPLES / kind / Path(name).name, w.path(name))
        w.add(name, f"a good {kind} report (copy of samples/{kind})", GOOD, truth=seed)


def _entries(w: _Writer, outside: Path) -> None:
    """Things a folder walk meets: links, special files, odd names."""
    e = "entries"
    base = w.folder / e
    base.mkdir(parents=True, exist_ok=True)

    os.symlink("no-such-file.txt", base / "dangling.txt")
    w.add(f"{e}/dangling.txt", "symlink to a file that does not exist", SKIPPED)

    os.symlink("loop_b.txt", base / "loop_a.txt")
    os.symlink("loop_a.txt", base / "loop_b.txt")
    w.add(f"{e}/loop_a.txt", "symlink loop a -> b -> a", SKIPPED)
    w.add(f"{e}/loop_b.txt", "symlink loop b -> a -> b", SKIPPED)

    target = outside / "report.txt"
    target.write_bytes(_good_text(2))
    os.symlink(target, base / "outside.txt")
    w.add(f"{e}/outside.txt", "symlink to a good report outside the folder", GOOD, truth=GOOD_TEXT)

    os.symlink("..", base / "ancestor")
    w.add(f"{e}/ancestor", "folder symlink to its own ancestor (the corpus root)", SKIPPED)

    os.mkfifo(base / "fifo.txt")
    w.add(f"{e}/fifo.txt", "named pipe (FIFO): opening it blocks", SKIPPED)

    os.symlink("/proc/self/mem", base / "proc_mem.txt")
    w.add(
        f"{e}/proc_mem.txt",
        "symlink to /proc/self/mem",
        SKIPPED,
        failed("unreadable"),
    )

    os.symlink("/dev/zero", base / "dev_zero.txt")
    w.add(f"{e}/dev_zero.txt", "symlink to /dev/zero (endless)", SKIPPED)

    # 报告.txt in GBK, as an old Windows zip unpacks it: not UTF-8, so no str of it is clean.
    raw = os.path.join(os.fsencode(base), "报告".encode("gbk") + b".txt")
    with open(raw, "wb") as f:
        f.write(_good_text(3))
    rel = f"{e}/{os.fsdecode('报告'.encode('gbk'))}.txt"
    # Skipped with its reason (name_not_utf8): an id must be valid UTF-8 all the way to Prefect.
    w.add(rel, "good report whose file name is GBK bytes (not UTF-8)", SKIPPED)

    (base / "empty_dir").mkdir()
    w.add(f"{e}/empty_dir", "empty subfolder", ABSENT)

    w.write(f"{e}/.hidden.txt", _good_text(4), "hidden file (a good report): left out", ABSENT)

    lock = b"\x0bZhang San" + b"\x00" * 43 + "张三".encode("utf-16-le") + b"\x00" * 100
    w.write(f"{e}/~$report.docx", lock, "Office lock file ~$report.docx: left out", ABSENT)

    docx = (SAMPLES / "docx" / f"{GOOD_DOCX}.docx").read_bytes()
    w.write(
        f"{e}/report.docx.part",
        docx[: len(docx) * 3 // 5],
        "partial download (.part, 60% of a DOCX)",
        SKIPPED,
        failed("unreadable"),
    )

    long_name = "北京市丰台区人民政府" * 8 + ".txt"  # 244 bytes: just under NAME_MAX (255)
    w.good_copy(f"{e}/{long_name}", "good report, 244-byte file name", 5)

    w.good_copy(f"{e}/报告\n第二行.txt", "good report, a newline in its file name", 6)

    os.symlink(f"../good/{GOOD_TEXT}.txt", base / "alias.txt")
    w.add(
        f"{e}/alias.txt",
        "symlink to a good report inside the folder (one document, reached twice)",
        ABSENT,
        GOOD,
        truth=GOOD_TEXT,
    )


def _garbage(w: _Writer) -> None:
    g = "garbage"
    report = (SAMPLES / "text" / f"{GOOD_TEXT}.txt").read_text(encoding="utf-8")
    rng = random.Random(1)

    w.write(f"{g}/empty.txt", b"", "empty file", failed("unreadable"))
    w.write(f"{g}/one_byte.txt", b"x", "one byte", failed("unreadable", "not_a_report"))
    w.write(f"{g}/random.bin", rng.randbytes(1024), "1 KB of random bytes", failed("unreadable"))
    w.write(
        f"{g}/gbk.txt",
        report.encode("gb18030"),
        "the good report in GBK (not UTF-8)",
        failed("unreadable"),
        GOOD,
        truth=GOOD_TEXT,
    )
    w.write(
        f"{g}/utf16.txt",
        report.encode("utf-16"),
        "the good report in UTF-16 with BOM",
        failed("unreadable"),
        GOOD,
        truth=GOOD_TEXT,
    )
    nul = report.encode().replace("。".encode(), "。".encode() + b"\x00")  # after each 。
    w.write(f"{g}/nul.txt", nul, "the good report with NUL bytes", failed("unreadable"))

    line = "本机关认真贯彻落实政府信息公开条例，不断加强政务公开工作。\n".encode()
    w.write(
        f"{g}/big_5mb.txt",
        line * (5_000_000 // len(line)),
        "5 MB text, one line repeated, no tables",
        failed("not_a_report", "too_large"),
    )

    lines = report.split("\n")
    cut = next(i for i, l in enumerate(lines) if l.startswith("\t（四）无法提供")) + 3
    w.write(
        f"{g}/truncated_table.txt",
        "\n".join(lines[:cut]).encode(),
        "the good report cut off in the middle of table 三",
        NEEDS_REVIEW,
        failed("no_standard_tables", "not_a_report"),
    )

    under, over = MAX_CELLS - 1, MAX_CELLS + 1
    for cells, expect in ((under, failed("not_a_report")), (over, failed("too_large"))):
        w.write(
            f"{g}/cells_{cells}.txt",
            b"\t1\n" * cells,
            f"one text table of {cells} one-cell rows (limit {MAX_CELLS} cells)",
            expect,
        )


# --- DOCX ---------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>'
).encode()
TAIL = b"</w:body></w:document>"
TITLE = "<w:p><w:r><w:t>某某区人民政府2023年政府信息公开工作年度报告</w:t></w:r></w:p>".encode()


def _docx_with(path: Path, parts: dict[str, bytes | Iterable[bytes]]) -> None:
    """The good DOCX with some parts replaced (or added); a part may be a stream of chunks,
    written through zipfile so that it is never whole in memory."""
    with (
        zipfile.ZipFile(SAMPLES / "docx" / f"{GOOD_DOCX}.docx") as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst,
    ):
        for info in src.infolist():
            if info.filename not in parts:
                dst.writestr(info, src.read(info))
        for name, content in parts.items():
            if isinstance(content, bytes):
                dst.writestr(name, content)
            else:
                with dst.open(name, "w", force_zip64=True) as f:
                    for chunk in content:
                        f.write(chunk)


def _document(body: bytes) -> bytes:
    return HEAD + body + TAIL


def _one_cell_table(tc_pr: bytes = b"", tr_pr: bytes = b"") -> bytes:
    return (
        b"<w:tbl><w:tr>"
        + (b"<w:trPr>" + tr_pr + b"</w:trPr>" if tr_pr else b"")
        + b"<w:tc>"
        + (b"<w:tcPr>" + tc_pr + b"</w:tcPr>" if tc_pr else b"")
        + b"<w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )


def _spaces(total: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    block = b" " * chunk
    for start in range(0, total, chunk):
        yield block[: min(chunk, total - start)]


def _million_rows(rows: int) -> Iterator[bytes]:
    yield HEAD + TITLE + b"<w:tbl>"
    batch = b"<w:tr><w:tc><w:p/></w:tc></w:tr>" * 10_000
    for _ in range(rows // 10_000):
        yield batch
    yield b"</w:tbl>" + TAIL


def _billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [{"".join(entities)}]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    ).encode()


def _nested_tables(depth: int) -> bytes:
    return _document(b"<w:tbl><w:tr><w:tc>" * depth + b"<w:p/>" + b"</w:tc></w:tr></w:tbl>" * depth)


def _with_external_links(url: str) -> dict[str, bytes]:
    """The good DOCX plus a picture linked (not embedded) from `url`, and a remote template
    in settings.xml: Word would fetch both; a reader of tables must fetch neither."""
    with zipfile.ZipFile(SAMPLES / "docx" / f"{GOOD_DOCX}.docx") as z:
        document = z.read("word/document.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        settings = z.read("word/settings.xml").decode()
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    pic = "http://schemas.openxmlformats.org/drawingml/2006/picture"
    picture = (
        '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="952500" cy="952500"/>'
        '<wp:docPr id="999" name="remote"/>'
        f'<a:graphic xmlns:a="{a}"><a:graphicData uri="{pic}"><pic:pic xmlns:pic="{pic}">'
        '<pic:nvPicPr><pic:cNvPr id="999" name="remote.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:link="rIdHostile1"/><a:stretch><a:fillRect/></a:stretch>'
        '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/>'
        '</a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing></w:r></w:p>"
    )
    at = document.rindex("<w:sectPr")
    document = document[:at] + picture + document[at:]
    link = (
        '<Relationship Id="rIdHostile1" TargetMode="External" Type="http://schemas.'
        f'openxmlformats.org/officeDocument/2006/relationships/image" Target="{url}/image.png"/>'
    )
    rels = rels.replace("</Relationships>", link + "</Relationships>")
    at = settings.index(">", settings.index("<w:settings")) + 1
    template = f'<w:attachedTemplate xmlns:r="{R_NS}" r:id="rIdHostile2"/>'
    settings = settings[:at] + template + settings[at:]
    settings_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rIdHostile2" TargetMode="External" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
        f'Target="{url}/template.dotm"/></Relationships>'
    )
    return {
        "word/document.xml": document.encode(),
        "word/_rels/document.xml.rels": rels.encode(),
        "word/settings.xml": settings.encode(),
        "word/_rels/settings.xml.rels": settings_rels.encode(),
    }


def _ole(marker: str) -> bytes:
    """An OLE2 compound file header and a little of what follows (not a valid file)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
    return (header + b"\x00" * (512 - len(header)) + marker.encode("utf-16-le")).ljust(4096, b"\0")


def _docx(w: _Writer, link_url: str) -> None:
    d = "docx"
    good = (SAMPLES / "docx" / f"{GOOD_DOCX}.docx").read_bytes()
    unreadable = failed("unreadable")
    w.write(
        f"{d}/not_a_zip.docx",
        random.Random(2).randbytes(2048),
        "random bytes named .docx",
        unreadable,
    )
    w.write(f"{d}/truncated.docx", good[: len(good) // 2], "DOCX cut in half", unreadable)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/styles.xml", "<styles/>")
    w.write(
        f"{d}/no_document_xml.docx", buffer.getvalue(), "zip without word/document.xml", unreadable
    )

    cases: list[tuple[str, dict, str, Expect]] = [
        (
            "not_xml",
            {"word/document.xml": b"\x00\x01 this is not XML <<<"},
            "document.xml is not XML",
            unreadable,
        ),
        (
            "billion_laughs",
            {"word/document.xml": _billion_laughs()},
            "document.xml with nested entities (billion laughs: 10^9 x 'lol')",
            failed("unreadable", "not_a_report", "too_large"),
        ),
        (
            "zip_bomb",
            {"word/document.xml": (HEAD, *_spaces(1_100_000_000), TAIL)},
            "document.xml expands to 1.1 GB (well-formed: spaces); the file is ~1 MB",
            failed("too_large", "unreadable"),
        ),
        (
            "gridspan_2000000000",
            {"word/document.xml": _document(TITLE + _one_cell_table(_span(2_000_000_000)))},
            'a table cell with w:gridSpan w:val="2000000000"',
            failed("too_large", "unreadable"),
        ),
        (
            "gridspan_30000000",
            {"word/document.xml": _document(TITLE + _one_cell_table(_span(30_000_000)))},
            'a table cell with w:gridSpan w:val="30000000"',
            failed("too_large", "unreadable"),
        ),
        (
            f"gridspan_{MAX_GRID_SPAN - 1}",
            {"word/document.xml": _document(TITLE + _one_cell_table(_span(MAX_GRID_SPAN - 1)))},
            f"gridSpan {MAX_GRID_SPAN - 1}: just under the limit ({MAX_GRID_SPAN})",
            failed("no_standard_tables", "not_a_report"),
        ),
        (
            f"gridspan_{MAX_GRID_SPAN + 1}",
            {"word/document.xml": _document(TITLE + _one_cell_table(_span(MAX_GRID_SPAN + 1)))},
            f"gridSpan {MAX_GRID_SPAN + 1}: just over the limit ({MAX_GRID_SPAN})",
            failed("too_large"),
        ),
        (
            "gridbefore_2000000000",
            {
                "word/document.xml": _document(
                    TITLE + _one_cell_table(tr_pr=b'<w:gridBefore w:val="2000000000"/>')
                )
            },
            'a table row with w:gridBefore w:val="2000000000"',
            failed("too_large", "unreadable"),
        ),
        (
            "million_rows",
            {"word/document.xml": _million_rows(1_000_000)},
            "a table of 1,000,000 empty one-cell rows (32 MB of XML, 80 KB zipped)",
            failed("too_large"),
        ),
        (
            "nested_tables",
            {"word/document.xml": _nested_tables(400)},
            "tables nested 400 deep (1200 XML levels)",
            failed("unreadable", "not_a_report", "too_large"),
        ),
        (
            "app_pages_5000_digits",
            {
                "docProps/app.xml": (
                    '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.'
                    'openxmlformats.org/officeDocument/2006/extended-properties"><Pages>'
                    + "9" * 5000
                    + "</Pages></Properties>"
                ).encode()
            },
            "the good DOCX whose docProps/app.xml says <Pages> is a 5000-digit number",
            GOOD,
        ),
        (
            "external_links",
            _with_external_links(link_url),
            f"the good DOCX plus a picture linked from {link_url} and a remote template "
            "(must not be fetched)",
            GOOD,
        ),
    ]
    for name, parts, what, expect in cases:
        _docx_with(w.path(f"{d}/{name}.docx"), parts)
        w.add(f"{d}/{name}.docx", what, expect, truth=GOOD_DOCX if expect == GOOD else None)

    w.write(
        f"{d}/encrypted.docx",
        _ole("EncryptionInfo"),
        "password-protected .docx (an OLE file holding EncryptionInfo)",
        unreadable,
    )
    w.write(f"{d}/legacy.doc", _ole("WordDocument"), "legacy Word 97 .doc (OLE)", unreadable)


def _span(n: int) -> bytes:
    return f'<w:gridSpan w:val="{n}"/>'.encode()


# --- PDF ----------------------------------------------------------------------------------


def _pdf(w: _Writer) -> None:
    p = "pdf"
    good = GOOD_PDF.read_bytes()
    text_page = (
        b"BT /F1 12 Tf 72 720 Td (Annual report test page with enough visible characters) Tj ET\n"
    )

    w.write(
        f"{p}/not_a_pdf.pdf",
        "<html><head><title>登录</title></head><body>会话已过期，请重新登录</body></html>\n".encode(),
        "an HTML login page saved as .pdf",
        failed("not_a_report", "unreadable"),
    )
    w.write(
        f"{p}/truncated.pdf",
        good[: len(good) // 2],
        "the good PDF cut in half",
        failed("unreadable", "not_a_report", "no_standard_tables"),
        NEEDS_REVIEW,
    )
    w.write(
        f"{p}/page_20000pt.pdf",
        _minimal_pdf([b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 20000 20000] >>"]),
        "one blank 20000 x 20000 pt page (83333 px square at 300 dpi)",
        failed("too_large", "not_a_report"),
    )
    w.write(
        f"{p}/zero_mediabox.pdf",
        _minimal_pdf([b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 0 0] >>"]),
        "one page with a 0 x 0 MediaBox",
        failed("unreadable", "not_a_report"),
    )
    w.write(
        f"{p}/one_page_2000_times.pdf",
        _blank_pages_pdf(2000, shared=True),
        "2000 pages: the page tree lists one page object 2000 times",
        failed("too_large", "unreadable"),
    )
    under, over = MAX_PAGES - 1, MAX_PAGES + 1
    for pages, expect in ((under, failed("not_a_report")), (over, failed("too_large"))):
        w.write(
            f"{p}/blank_{pages}.pdf",
            _blank_pages_pdf(pages),
            f"{pages} blank 1-inch pages (limit {MAX_PAGES}; tiny, so quick to render)",
            expect,
        )
    w.write(
        f"{p}/encrypted.pdf",
        _encrypted(good),
        "the good PDF encrypted with a user password",
        failed("unreadable"),
    )
    w.write(
        f"{p}/garbage_xref.pdf",
        _garbage_xref(good),
        "the good PDF with its xref table overwritten by garbage",
        GOOD,
        failed("unreadable"),
        truth=GOOD_TEXT,
    )
    w.write(
        f"{p}/javascript.pdf",
        _with_javascript(good),
        "the good PDF with an OpenAction JavaScript (must be ignored)",
        GOOD,
        truth=GOOD_TEXT,
    )
    w.write(
        f"{p}/nested_arrays.pdf",
        _minimal_pdf([_text_page()], content=text_page + b"[" * 100_000 + b"\n"),
        "a content stream with 100,000 nested '['",
        failed("not_a_report", "unreadable"),
    )
    w.write(
        f"{p}/nested_info.pdf",
        _minimal_pdf(
            [_text_page()],
            content=text_page,
            info=b"<< /Title " + b"[" * 5000 + b"]" * 5000 + b" >>",
        ),
        "document info (metadata) nested 5000 arrays deep",
        failed("not_a_report", "unreadable"),
    )
    w.write(
        f"{p}/length_lie.pdf",
        _minimal_pdf([_text_page()], content=text_page, length=b"999999"),
        "a content stream whose /Length says 999999 (it is under 100 bytes)",
        failed("not_a_report", "unreadable"),
    )
    w.write(
        f"{p}/huge_image.pdf",
        _minimal_pdf(
            [
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R"
                b" /Resources << /XObject << /Im1 5 0 R >> >> >>"
            ],
            content=b"q 595 0 0 842 0 0 cm /Im1 Do Q\n",
            image=(50_000, 70_000),
        ),
        "an A4 page showing a 50000 x 70000 px image (a few bytes of data)",
        failed("too_large", "unreadable", "not_a_report"),
    )
    w.write(
        f"{p}/no_pages.pdf",
        _minimal_pdf([]),
        "a PDF with no pages (Kids [], Count 0)",
        failed("unreadable", "not_a_report"),
    )
    w.write(
        f"{p}/page_tree_loop.pdf",
        _minimal_pdf([_text_page()], content=text_page, kids_extra=b"2 0 R"),
        "the page tree lists itself among its kids (a loop)",
        failed("unreadable", "not_a_report"),
    )
    bomb = b"".join(_deflated([text_page, *_spaces(200_000_000)]))
    w.write(
        f"{p}/content_bomb.pdf",
        _minimal_pdf([_text_page()], stream=_stream(bomb, b"/Filter /FlateDecode")),
        "a page whose content stream inflates to 200 MB (~200 KB on disk)",
        failed("too_large", "not_a_report", "timeout"),
    )


def _text_page() -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R"
        b" /Resources << /Font << /F1 4 0 R >> >> >>"
    )


def _minimal_pdf(
    pages: list[bytes],
    content: bytes | None = None,
    info: bytes | None = None,
    length: bytes | None = None,
    image: tuple[int, int] | None = None,
    stream: bytes | None = None,
    kids_extra: bytes = b"",
) -> bytes:
    """A PDF by hand: 1 catalog, 2 pages, 3 content stream (`content`, or the whole `stream`
    object), 4 font, 5 image, 6 info; the pages follow from 7 and use 3-5 as they need.
    `kids_extra` is listed among the page tree's kids after the pages."""
    first = 7
    kids = b" ".join([*(b"%d 0 R" % (first + i) for i in range(len(pages))), kids_extra])
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids.strip(), len(pages)),
        3: stream or _stream(content or b"", length=length),
        4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        5: _stream(
            zlib.compress(b"\xff" * 64),
            b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
            b" /BitsPerComponent 1 /Filter /FlateDecode" % (image or (1, 1)),
        ),
        6: info or b"<< /Producer (make_hostile.py) >>",
    }
    objects.update({first + i: page for i, page in enumerate(pages)})
    return _assemble(objects, b"/Root 1 0 R /Info 6 0 R")


def _blank_pages_pdf(count: int, shared: bool = False) -> bytes:
    """`count` blank 1-inch pages (tiny to render), or one page object listed `count` times."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>"
    if shared:
        kids = b" ".join([b"3 0 R"] * count)
        objects = {3: page}
    else:
        kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
        objects = {3 + i: page for i in range(count)}
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)
    return _assemble(objects, b"/Root 1 0 R")


def _stream(data: bytes, extra: bytes = b"", length: bytes | None = None) -> bytes:
    length = length or str(len(data)).encode()
    return b"<< /Length %s %s >>\nstream\n%s\nendstream" % (length, extra, data)


def _assemble(objects: dict[int, bytes], trailer: bytes) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        if number in offsets:
            out.write(b"%010d 00000 n \n" % offsets[number])
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer, xref))
    return out.getvalue()


def _encrypted(pdf: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password="hostile", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _with_javascript(pdf: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    script = (
        "app.alert('hostile corpus: this must never run'); app.launchURL('http://127.0.0.1:9/');"
    )
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(script),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _garbage_xref(pdf: bytes) -> bytes:
    """Overwrite every xref table (from `xref` to `trailer`) with letters of the same length,
    so the offsets hold but nothing points anywhere."""
    out = bytearray(pdf)
    rng = random.Random(3)
    start = out.find(b"\nxref")
    if start < 0:
        raise SystemExit(f"{GOOD_PDF} has no classic xref table")
    while start >= 0:
        end = out.find(b"trailer", start)
        for i in range(start + 6, end):
            if out[i] not in b"\r\n":
                out[i] = rng.choice(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        start = out.find(b"\nxref", end)
    return bytes(out)


# --- images -------------------------------------------------------------------------------


def _images(w: _Writer) -> None:
    i = "images"
    unreadable = failed("unreadable")

    _streamed_png(w.path(f"{i}/png_50000x50000.png"), 50_000, 50_000)
    w.add(
        f"{i}/png_50000x50000.png",
        "PNG of 50000 x 50000 (2.5 Gpx, 1-bit, streamed zeros: ~300 KB)",
        failed("too_large", "unreadable"),
    )
    for (width, height), expect in (
        ((9000, 11000), failed("not_a_report")),
        ((10300, 10300), failed("too_large")),
    ):
        name = f"{i}/png_{width}x{height}.png"
        _streamed_png(w.path(name), width, height)
        w.add(
            name,
            f"blank PNG of {width * height / 1e6:.0f} Mpx (limit {MAX_MEGAPIXELS} Mpx)",
            expect,
        )
    _streamed_png(w.path(f"{i}/strip_20000x2.png"), 20_000, 2)
    w.add(
        f"{i}/strip_20000x2.png",
        "a 20000 x 2 px strip: 40 kpx, but read as A4 at 300 dpi it is 61 Gpx",
        failed("too_large", "unreadable", "not_a_report"),
    )
    _streamed_png(w.path(f"{i}/ztxt_bomb.png"), 64, 64, ztxt=100_000_000)
    w.add(
        f"{i}/ztxt_bomb.png",
        "a blank 64 x 64 PNG with a zTXt comment that expands to 100 MB",
        failed("unreadable", "not_a_report"),
    )
    w.write(f"{i}/zero.png", _png_chunks(0, 0, [zlib.compress(b"")]), "PNG of 0 x 0", unreadable)

    for frames in (MAX_FRAMES - 1, MAX_FRAMES + 1, 300):
        name = f"{i}/tiff_{frames}_frames.tif"
        _blank_tiff(w.path(name), frames)
        w.add(
            name,
            f"TIFF of {frames} blank 64 x 64 frames (limit {MAX_FRAMES})",
            failed("not_a_report") if frames < MAX_FRAMES else failed("too_large"),
        )
    w.write(
        f"{i}/tiff_huge_frame.tif",
        _tiff([(100_000, 100_000)]),
        "TIFF header only: one frame of 100000 x 100000, no data",
        failed("too_large", "unreadable"),
    )
    w.write(
        f"{i}/tiff_small_then_huge.tif",
        _tiff([(64, 64), (20_000, 20_000)]),
        "TIFF: a 64 x 64 frame, then a 20000 x 20000 frame with 512 bytes of data",
        failed("too_large", "unreadable"),
    )
    w.write(
        f"{i}/tiff_ifd_loop.tif",
        _tiff([(64, 64)], loop=True),
        "TIFF whose frame list loops (the next-frame offset points at itself)",
        failed("unreadable", "not_a_report"),
    )

    jpg = GOOD_JPG.read_bytes()
    w.write(f"{i}/truncated.jpg", jpg[: len(jpg) // 2], "a scan JPEG cut in half", unreadable)
    w.write(
        f"{i}/jpeg_65500.jpg",
        _jpeg_declaring(65_500, 65_500),
        "16 x 16 JPEG whose header says 65500 x 65500",
        failed("too_large", "unreadable"),
    )
    buffer = io.BytesIO()
    Image.new("L", (32, 32), 255).save(buffer, "GIF")
    w.write(
        f"{i}/image.gif",
        buffer.getvalue(),
        "a blank GIF: read, and no report",
        failed("not_a_report"),
    )

    noise = Image.frombytes("L", (1000, 1000), random.Random(4).randbytes(1_000_000))
    noise.save(w.path(f"{i}/noise.png"))
    w.add(f"{i}/noise.png", "1000 x 1000 random noise: a photo of nothing", failed("not_a_report"))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_chunks(width: int, height: int, idat: list[bytes], bits: int = 1) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, bits, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + b"".join(_png_chunk(b"IDAT", d) for d in idat)
        + _png_chunk(b"IEND", b"")
    )


def _deflated(chunks: Iterable[bytes], piece: int = 1 << 16) -> Iterator[bytes]:
    """zlib stream of `chunks`, in pieces of about `piece` bytes."""
    compressor = zlib.compressobj(9)
    pending = b""
    for chunk in chunks:
        pending += compressor.compress(chunk)
        if len(pending) >= piece:
            yield pending
            pending = b""
    yield pending + compressor.flush()


def _streamed_png(path: Path, width: int, height: int, ztxt: int = 0) -> None:
    """A white 1-bit grayscale PNG, its rows deflated as they are made (never whole in memory);
    with a zTXt chunk of `ztxt` zero bytes, deflated the same way, if asked."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)  # filter byte, then the row's bits
    rows_per_chunk = max(1, (1 << 20) // len(row))

    def rows() -> Iterator[bytes]:
        for start in range(0, height, rows_per_chunk):
            yield row * min(rows_per_chunk, height - start)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(_png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)))
        if ztxt:
            text = b"".join(_deflated(_zeros(ztxt)))
            f.write(_png_chunk(b"zTXt", b"Comment\x00\x00" + text))
        for data in _deflated(rows()):
            f.write(_png_chunk(b"IDAT", data))
        f.write(_png_chunk(b"IEND", b""))


def _zeros(total: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    block = bytes(chunk)
    for start in range(0, total, chunk):
        yield block[: min(chunk, total - start)]


def _blank_tiff(path: Path, frames: int) -> None:
    page = Image.new("L", (64, 64), 255)
    page.save(path, save_all=True, append_images=[page] * (frames - 1), compression="tiff_lzw")


def _tiff(sizes: list[tuple[int, int]], loop: bool = False) -> bytes:
    """A little-endian TIFF by hand: one IFD per size, 1-bit, uncompressed, white, every frame
    pointing at the same 512 bytes of strip data (enough for 64 x 64, far from enough for more).
    With `loop`, the last frame's next-IFD offset points back at the first."""
    strip = b"\x00" * 512  # WhiteIsZero: 0 is white
    entries = 8
    ifd_size = 2 + entries * 12 + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    data_at = 8 + ifd_size * len(sizes)
    for n, (width, height) in enumerate(sizes):
        here = 8 + ifd_size * n
        last = n == len(sizes) - 1
        following = 8 if (last and loop) else 0 if last else here + ifd_size
        tags = [
            (256, 4, width),  # ImageWidth, LONG
            (257, 4, height),  # ImageLength
            (258, 3, 1),  # BitsPerSample
            (259, 3, 1),  # Compression: none
            (262, 3, 0),  # Photometric: WhiteIsZero
            (273, 4, data_at),  # StripOffsets
            (278, 4, height),  # RowsPerStrip: one strip
            (279, 4, len(strip)),  # StripByteCounts
        ]
        out += struct.pack("<H", entries)
        for tag, kind, value in tags:
            out += (
                struct.pack("<HHII", tag, kind, 1, value)
                if kind == 4
                else struct.pack("<HHIHH", tag, kind, 1, value, 0)
            )
        out += struct.pack("<I", following)
    return bytes(out + strip)


def _jpeg_declaring(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (16, 16), 255).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.find(b"\xff\xc0")  # SOF0: length(2), precision(1), height(2), width(2)
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


# --- what else an archive holds -----------------------------------------------------------


def _archive(w: _Writer) -> None:
    """Files a real archive folder holds beside its reports."""
    a = "archive"
    unreadable = failed("unreadable")
    docx = (SAMPLES / "docx" / f"{GOOD_DOCX}.docx").read_bytes()

    copy = w.path(f"{a}/副本 - {GOOD_DOCX}.docx")
    copy.write_bytes(docx)
    w.add(
        f"{a}/{copy.name}",
        "a second copy of the good DOCX under another name",
        GOOD,
        truth=GOOD_DOCX,
    )
    w.write(f"{a}/Thumbs.db", _ole("Catalog"), "Windows thumbnail cache (OLE)", unreadable, ABSENT)
    w.write(
        f"{a}/desktop.ini",
        "[.ShellClassInfo]\r\nIconResource=C:\\Windows\\system32\\imageres.dll,-3\r\n".encode(
            "utf-16"
        ),
        "desktop.ini (UTF-16)",
        unreadable,
        failed("not_a_report"),
        ABSENT,
    )
    w.write(
        f"{a}/快捷方式.lnk",
        b"L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00F".ljust(
            300, b"\x00"
        ),
        "a Windows shortcut (.lnk)",
        unreadable,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("2023年报/report.docx", docx)
    w.write(f"{a}/reports.zip", buffer.getvalue(), "a zip holding a good DOCX", unreadable)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    w.write(f"{a}/统计表.xlsx", buffer.getvalue(), "an Excel workbook (.xlsx)", unreadable)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
        z.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    w.write(
        f"{a}/年报.ofd",
        buffer.getvalue(),
        "an OFD document (China's fixed-layout format)",
        unreadable,
    )
    w.write(f"{a}/年报.wps", _ole("WordDocument"), "a WPS Writer .wps file (OLE)", unreadable)


# --- command line -------------------------------------------------------------------------


def manifest(cases: list[Case]) -> str:
    lines = [f"{'path':<44}  {'expected':<36}  what"]
    for c in cases:
        expected = " or ".join(describe(e) for e in c.outcomes)
        lines.append(f"{shortened(c.path):<44}  {expected:<36}  {c.what}")
    return "\n".join(lines)


def markdown(cases: list[Case]) -> str:
    """The manifest as a Markdown table (docs/hostile-corpus.md)."""
    lines = ["| path | what | expected |", "| --- | --- | --- |"]
    for c in cases:
        expected = " or ".join(f"`{describe(e)}`" for e in c.outcomes)
        what = c.what.replace("|", "\\|")
        lines.append(f"| `{shortened(c.path, 60)}` | {what} | {expected} |")
    return "\n".join(lines)


def shortened(path: str, width: int = 44) -> str:
    """`path` as printable text, its middle cut out if it is longer than `width`."""
    text = shown(path)
    return text if len(text) <= width else text[: width // 2 - 1] + "…" + text[-(width // 2) :]


def shown(path: str) -> str:
    """A path as printable text: non-UTF-8 bytes as \\xNN, a newline as \\n."""
    return (
        path.encode("utf-8", "surrogateescape")
        .decode("utf-8", "backslashreplace")
        .replace("\n", "\\n")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the corpus (empty or absent)")
    parser.add_argument("--link-url", default=DEFAULT_LINK_URL, help="external links' target")
    parser.add_argument("--markdown", action="store_true", help="print the manifest as Markdown")
    args = parser.parse_args(argv)
    if args.folder.exists() and any(args.folder.iterdir()):
        print(f"{args.folder} is not empty", file=sys.stderr)
        return 2
    cases = make_corpus(args.folder, args.link_url)
    print(markdown(cases) if args.markdown else manifest(cases))
    good = sum(c.path.startswith("good/") for c in cases)
    print(
        f"\n{len(cases)} cases ({len(cases) - good} hostile, {good} good reports) in {args.folder}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
