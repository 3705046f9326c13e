"""Make born-digital PDF versions of the DOCX samples: samples/pdf/<seed>.<font>.pdf.

Each of the five seeds in samples/docx/ is printed twice by LibreOffice headless, once per CJK
font (FONTS). The font is changed in a temporary copy of the DOCX: every w:rFonts (runs,
paragraph marks, styles, docDefaults) gets the one font for eastAsia, ascii, hAnsi and cs, and
theme fonts are dropped. Some copies also get another body text size, spacing after body
paragraphs, spacing before a table heading or empty paragraphs before it (PLAN), so that the
page breaks fall where a PDF extractor has to cope with them. Text, numbers, tables and row
heights are not touched; samples/docx/ is only read. A rerun writes the same bytes.

Every PDF is read back with pdfplumber. The run prints its page count, the pages each table
lies on, where the applications table breaks, and the layouts it shows:

  (a) the applications table (三、收到和处理政府信息公开申请情况) breaks across pages with a merged
      group label (三、本年度办理结果, （三）不予公开 ...) whole on the first page and some of
      that group's rows on the next;
  (b) the reviews table (四、政府信息公开行政复议、行政诉讼情况) has its three header rows on one
      page and its only data row (15 numbers) on the next.

With LibreOffice 7.4.7 it gives:

  PDF                         pages  active  applications  reviews  layouts
  000_*.noto-serif-sc.pdf         6  4       4-5           5        (a) 三、, （三）
  000_*.wqy-zenhei.pdf            7  4       4-5           5-6      (a) 三、, （三）; (b)
  001_*.noto-serif-sc.pdf         6  3-4     4-5           5        (a) 三、, （五）
  001_*.wqy-zenhei.pdf            6  4       4-5           5        (a) 三、, （三）
  002_*.noto-serif-sc.pdf         4  2-3     3-4           4        - (only 四、结转 on page 4)
  002_*.wqy-zenhei.pdf            4  2-3     3-4           4        (a) 三、, （六）
  003_*.noto-serif-sc.pdf         8  3       3-4           4        (a) 三、, （四）
  003_*.wqy-zenhei.pdf            5  2       2-3           3        (a) 三、, （五）
  004_*.noto-serif-sc.pdf         5  3       3-4           4-5      (a) 三、; (b)
  004_*.wqy-zenhei.pdf            5  3       4             5        - (no table breaks)

It exits 1 if a PDF's text layer lacks or adds a character against the DOCX, a table's
numbers or row labels do not read back in order (e.g. a row broken inside itself), or layout
(a) or (b) occurs in no PDF.

Needs LibreOffice and the fonts:
    apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-wqy-zenhei
Run (about 5 s):
    .venv/bin/python scripts/make_pdf_samples.py
"""

import copy
import hashlib
import itertools
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import docx
import pdfplumber
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]
DOCX_DIR = ROOT / "samples" / "docx"
PDF_DIR = ROOT / "samples" / "pdf"

# file-name tag -> fontconfig family
FONTS = {"noto-serif-sc": "Noto Serif CJK SC", "wqy-zenhei": "WenQuanYi Zen Hei"}

# (seed prefix, font tag) -> changes to the temporary copy, found by trying (LibreOffice 7.4;
# each value sits in the middle of the range that gives the same layout):
#   size:   body text size in half-points (the DOCX has 24, i.e. 12 pt);
#   after:  spacing after each body paragraph, in twips (the DOCX has 0);
#   before: {table index: spacing before that table's heading paragraph, in twips};
#   pad:    {table index: empty paragraphs put before that table's heading paragraph}.
# Table index 0 = 二、主动公开, 1 = 三、申请, 2 = 四、复议诉讼. The comment says what it gives.
PLAN = {
    ("000", "noto-serif-sc"): {},  # (a) 三、 and （三）
    ("000", "wqy-zenhei"): {"pad": {2: 6}, "before": {2: 550}},  # (a) 三、（三）; (b)
    ("001", "noto-serif-sc"): {"pad": {1: 2}},  # (a) 三、 and （五）
    ("001", "wqy-zenhei"): {"after": 240},  # (a) 三、 and （三）
    ("002", "noto-serif-sc"): {},  # only 四、结转 on next page
    ("002", "wqy-zenhei"): {"after": 100},  # (a) 三、 and （六）
    ("003", "noto-serif-sc"): {"size": 22, "before": {1: 1380}},  # (a) 三、 and （四）
    ("003", "wqy-zenhei"): {"size": 21},  # (a) 三、 and （五）
    ("004", "noto-serif-sc"): {"before": {1: 450, 2: 700}, "pad": {2: 3}},  # (a) 三、; (b)
    ("004", "wqy-zenhei"): {"pad": {1: 7}},  # applications on one page
}

NUMBER = re.compile(r"\d+(\.\d+)?")
TABLE_NAMES = ("active", "applications", "reviews")


def norm(text):
    return re.sub(r"\s+", "", text or "")


# ---------------------------------------------------------------- the temporary DOCX


def set_fonts(root, family):
    """Give every run property set in this part the one font, and drop theme fonts."""
    for rpr in root.iter(qn("w:rPr")):
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.insert(0, fonts)
        for name in list(fonts.attrib):
            del fonts.attrib[name]
        for name in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(name), family)


def run_properties(run):
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = run.makeelement(qn("w:rPr"), {})
        run.insert(0, rpr)
    return rpr


def set_child(parent, tag, **attrs):
    el = parent.find(qn(tag))
    if el is None:
        el = parent.makeelement(qn(tag), {})
        parent.append(el)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), str(value))
    return el


def spacing_of(p):
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = p.makeelement(qn("w:pPr"), {})
        p.insert(0, ppr)
    return set_child(ppr, "w:spacing")


def make_variant(source, target, family, size=None, after=None, pad=None, before=None):
    document = docx.Document(str(source))
    body = document.element.body
    for run in body.iter(qn("w:r")):  # every run gets its own rPr, so rFonts is set on it
        run_properties(run)
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = defaults.makeelement(qn("w:rPrDefault"), {})
        defaults.insert(0, rpr_default)
    if rpr_default.find(qn("w:rPr")) is None:
        rpr_default.append(rpr_default.makeelement(qn("w:rPr"), {}))
    set_fonts(body, family)
    set_fonts(styles, family)

    tables = [t for t in body if t.tag == qn("w:tbl")]
    for index, count in (pad or {}).items():
        heading = tables[index].getprevious()
        for _ in range(count):
            empty = copy.deepcopy(heading)
            for run in empty.findall(qn("w:r")):
                empty.remove(run)
            heading.addprevious(empty)
    for p in body.iterchildren(qn("w:p")):
        if size is not None:
            for run in p.iter(qn("w:r")):
                set_child(run_properties(run), "w:sz", val=size)
                set_child(run_properties(run), "w:szCs", val=size)
        if after is not None:
            spacing = spacing_of(p)
            spacing.set(qn("w:after"), str(after))
            spacing.set(qn("w:afterAutospacing"), "0")
    for index, twips in (before or {}).items():
        spacing = spacing_of(tables[index].getprevious())
        spacing.set(qn("w:before"), str(twips))
        spacing.set(qn("w:beforeAutospacing"), "0")
    document.save(str(target))


# ---------------------------------------------------------------- what the DOCX holds


def tc_text(tc):
    return norm("".join(t.text or "" for t in tc.iter(qn("w:t"))))


def docx_tables(path):
    """Per table: rows as [(grid column, cell text, vMerge)]."""
    out = []
    for table in docx.Document(str(path)).tables:
        rows = []
        for tr in table._tbl.findall(qn("w:tr")):
            row, grid = [], 0
            for tc in tr.findall(qn("w:tc")):
                pr = tc.find(qn("w:tcPr"))
                vm = pr.find(qn("w:vMerge")) if pr is not None else None
                span = pr.find(qn("w:gridSpan")) if pr is not None else None
                merge = None if vm is None else (vm.get(qn("w:val")) or "continue")
                row.append((grid, tc_text(tc), merge))
                grid += 1 if span is None else int(span.get(qn("w:val")))
            rows.append(row)
        out.append(rows)
    return out


def row_label(cells):
    """The leaf label of a row: its last non-number, non-empty text."""
    labels = [c for c in cells if c and not NUMBER.fullmatch(c)]
    return labels[-1] if labels else None


def applications_groups(rows):
    """{group label: [leaf labels of its rows]} for the vertically merged row labels."""
    groups, open_ = {}, {}  # open_: grid column -> label of the merge running there
    for row in rows:
        texts = [text for _, text, _ in row]
        for grid, text, merge in row:
            if merge == "restart":
                open_[grid] = text
            elif merge is None:
                open_.pop(grid, None)
        if any(NUMBER.fullmatch(t) for t in texts):
            for group in open_.values():
                if group and not NUMBER.fullmatch(group):
                    groups.setdefault(group, []).append(row_label(texts))
    return groups


# ---------------------------------------------------------------- what the PDF shows


def pdf_fragments(path):
    """The page count, [(page number, [[normalized cell text]])] for every table found in
    reading order, and all the printed characters."""
    out, chars = [], []
    with pdfplumber.open(str(path)) as pdf:
        pages = len(pdf.pages)
        for page in pdf.pages:
            chars.extend(c["text"] for c in page.chars)
            for table in sorted(page.find_tables(), key=lambda t: t.bbox[1]):
                out.append((page.page_number, [[norm(c) for c in row] for row in table.extract()]))
    return pages, out, norm("".join(chars))


def docx_text(path):
    body = docx.Document(str(path)).element.body
    return norm("".join(t.text or "" for t in body.iter(qn("w:t"))))


def classify(fragments, tables):
    """Assign each fragment to one of the three tables by the labels it holds."""
    labels = [
        {text for row in rows for _, text, _ in row if text and not NUMBER.fullmatch(text)}
        for rows in tables
    ]
    current, out = None, []
    for page, rows in fragments:
        texts = {c for row in rows for c in row if c}
        hits = [i for i, known in enumerate(labels) if texts & known]
        if len(hits) > 1:  # 总计, 其他 ... occur in more than one table: take the best match
            hits = [max(hits, key=lambda i: len(texts & labels[i]))]
        kind = hits[0] if hits else current
        out.append((kind, page, rows))
        current = kind
    return out


def numbers_of(rows):
    return [[c for c in row if NUMBER.fullmatch(c)] for row in rows]


def analyse(pdf_path, docx_path):
    tables = docx_tables(docx_path)
    pages, fragments, printed = pdf_fragments(pdf_path)
    parts = classify(fragments, tables)
    where = {i: sorted({page for kind, page, _ in parts if kind == i}) for i in range(3)}
    problems = []

    # The text layer holds every character of the DOCX, no more, no fewer.
    want, got = Counter(docx_text(docx_path)), Counter(printed)
    if want != got:
        problems.append(f"text layer: missing {dict(want - got)}, extra {dict(got - want)}")

    # Every data row of every table, with its numbers, on some page.
    for i, rows in enumerate(tables):
        want = [[t for _, t, _ in row if NUMBER.fullmatch(t)] for row in rows]
        want = [w for w in want if w]
        got = [n for kind, _, rows_ in parts if kind == i for n in numbers_of(rows_) if n]
        if i == 0:  # the active table has values spread over rows; compare flat
            want, got = [list(itertools.chain(*want))], [list(itertools.chain(*got))]
        if got != want:
            problems.append(f"{TABLE_NAMES[i]}: numbers {got} != DOCX {want}")

    # Where the applications table breaks: the first row on each further page.
    app_rows = [(page, row) for kind, page, rows in parts if kind == 1 for row in rows]
    breaks = []
    for (page0, _), (page1, row) in itertools.pairwise(app_rows):
        if page1 != page0:
            whole = any(NUMBER.fullmatch(c) for c in row) or not any(row)
            breaks.append((row_label(row) or "?") + ("" if whole else " (row broken inside)"))
    want = [
        row_label([t for _, t, _ in r])
        for r in tables[1]
        if any(NUMBER.fullmatch(t) for _, t, _ in r)
    ]
    got = [row_label(row) for _, row in app_rows if any(NUMBER.fullmatch(c) for c in row)]
    if got != want:
        problems.append(f"applications: row labels {got} != DOCX {want}")

    # (a): a merged group label on page p, some of its rows on a later page.
    leaf_page, label_page = {}, {}
    for page, row in app_rows:
        if any(NUMBER.fullmatch(c) for c in row):
            leaf_page.setdefault(row_label(row), page)
        for c in row:
            label_page.setdefault(c, page)
    layout_a = []
    for group, members in applications_groups(tables[1]).items():
        p = label_page.get(group)
        if p is None:
            breaks.append(f"label {group} cut by the page break")
        if p is not None and any(leaf_page.get(m, 0) > p for m in members):
            layout_a.append(group)

    # (b): the whole reviews header on page p, the data row on page p + 1.
    header = [
        (page, rows)
        for kind, page, rows in parts
        if kind == 2 and any("行政复议" in c for row in rows for c in row)
    ]
    data_pages = [
        page for kind, page, rows in parts if kind == 2 for n in numbers_of(rows) if len(n) == 15
    ]
    layout_b = (
        len(header) == 1
        and data_pages == [header[0][0] + 1]
        and sum(c == "结果维持" for row in header[0][1] for c in row) == 3
    )
    return {
        "pages": pages,
        "where": where,
        "a": layout_a,
        "b": layout_b,
        "breaks": breaks,
        "problems": problems,
    }


# ---------------------------------------------------------------- main


def normalise(pdf):
    """Make a rerun write the same bytes. LibreOffice stamps the time into /CreationDate,
    and /ID and /DocChecksum change with it. Each is replaced in place by a string of the
    same length (the checksums by an MD5 of the file with them blanked), so the
    cross-reference offsets stay right."""
    data = pdf.read_bytes()
    data = re.sub(rb"/(Creation|Mod)Date\(D:\d{14}", rb"/\1Date(D:20000101000000", data)
    head, trailer = data.rsplit(b"trailer", 1)  # /ID and /DocChecksum are only there
    stamps = re.compile(rb"(/ID \[ <|>\s*<|/DocChecksum /)([0-9A-F]{32})")
    blank = stamps.sub(lambda m: m.group(1) + b"0" * 32, trailer)
    digest = hashlib.md5(head + blank).hexdigest().upper().encode()
    pdf.write_bytes(head + b"trailer" + stamps.sub(lambda m: m.group(1) + digest, trailer))


def pages(numbers):
    return "-".join(map(str, numbers)) or "none"


def convert(docx_files, out_dir, work, timeout=300):
    profile = (work / "profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *map(str, docx_files),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=timeout,
    )


def main():
    started = time.monotonic()
    if shutil.which("soffice") is None:
        sys.exit(
            "soffice not found: apt-get install libreoffice-writer-nogui "
            "fonts-noto-cjk fonts-wqy-zenhei"
        )
    seeds = sorted(DOCX_DIR.glob("*.docx"))
    with tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as tmp:
        work = Path(tmp)
        (work / "docx").mkdir()
        (work / "pdf").mkdir()
        made = []
        for seed in seeds:
            for tag, family in FONTS.items():
                target = work / "docx" / f"{seed.stem}.{tag}.docx"
                make_variant(seed, target, family, **PLAN.get((seed.stem[:3], tag), {}))
                made.append((seed, target))
        convert([t for _, t in made], work / "pdf", work)
        PDF_DIR.mkdir(parents=True, exist_ok=True)
        for old in PDF_DIR.glob("*.pdf"):
            old.unlink()
        results = []
        for seed, target in made:
            pdf = PDF_DIR / f"{target.stem}.pdf"
            shutil.move(work / "pdf" / pdf.name, pdf)
            normalise(pdf)
            results.append((pdf, analyse(pdf, seed)))

    print(f"{'PDF':<40} pages  active  applications  reviews  layouts")
    failed = False
    for pdf, r in results:
        w = r["where"]
        layouts = []
        if r["a"]:
            layouts.append("(a) " + ", ".join(r["a"]))
        if r["b"]:
            layouts.append("(b)")
        print(
            f"{pdf.name:<40} {r['pages']:>5}  {pages(w[0]):<6}  {pages(w[1]):<12}  "
            f"{pages(w[2]):<7}  {'; '.join(layouts) or '-'}"
        )
        for note in r["breaks"]:
            print(
                f"{'':<40} applications: {'' if note.startswith('label') else 'page starts at '}"
                f"{note}"
            )
        for problem in r["problems"]:
            print("    PROBLEM", problem)
            failed = True
    if not any(r["a"] for _, r in results):
        print("layout (a) occurs in no PDF")
        failed = True
    if not any(r["b"] for _, r in results):
        print("layout (b) occurs in no PDF")
        failed = True
    print(f"{len(results)} PDFs in {PDF_DIR.relative_to(ROOT)}, {time.monotonic() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
