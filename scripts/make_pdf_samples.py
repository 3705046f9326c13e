"""Make born-digital PDF samples from samples/docx/: samples/pdf/<seed>.<font>.pdf.

Each of the five DOCX seeds is printed twice with LibreOffice headless, once per CJK font
(FONTS below). The font is changed in a temporary copy of the DOCX: every w:rFonts (runs,
paragraph marks, styles, docDefaults) is set to the one font for eastAsia, ascii, hAnsi and cs.
Some copies also get a different body font size, spacing after body paragraphs, or empty
paragraphs before a table heading (PLAN below), so that the page breaks fall where the PDF
extractor has to cope with them. The numbers and labels are never changed, row heights neither,
and the files in samples/docx/ are only read.

Every PDF is then read back with pdfplumber: the page count, the pages each table lies on, the
layouts it shows, and that every number of the three tables is in the text layer where the DOCX
has it. Layouts:

  (a) the applications table (三、收到和处理政府信息公开申请情况) breaks across pages with a merged
      group label (三、本年度办理结果, （三）不予公开 ...) on the first page and some of its rows on
      the next one;
  (b) the reviews table (四、政府信息公开行政复议、行政诉讼情况) has its three header rows on one page
      and its only data row on the next.

With LibreOffice 7.4 and the fonts below, the run gives (see the table it prints):

  PDF                                      pages  active  applications  reviews  layouts
  000_de4a6e6b343917dd.noto-serif-sc.pdf   ...

The script exits 1 if a PDF's text layer misses a number, or if layout (a) or (b) does not
occur in any PDF.

Needs LibreOffice and the fonts:
    apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-wqy-zenhei
Run (about N s):
    .venv/bin/python scripts/make_pdf_samples.py
"""
import copy
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docx
import pdfplumber
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]
DOCX_DIR = ROOT / "samples" / "docx"
PDF_DIR = ROOT / "samples" / "pdf"

# file-name tag -> fontconfig family
FONTS = {"noto-serif-sc": "Noto Serif CJK SC", "wqy-zenhei": "WenQuanYi Zen Hei"}

# (seed prefix, font tag) -> changes to the temporary copy:
#   size:  body text size in half-points (the DOCX has 24, i.e. 12 pt);
#   after: spacing after each body paragraph in twips (the DOCX has 0);
#   pad:   {table index: empty body paragraphs put before that table's heading paragraph}
#          (0 = 二、主动公开, 1 = 三、申请, 2 = 四、复议诉讼).
PLAN = {
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


def make_variant(source, target, family, size=None, after=None, pad=None):
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

    paragraphs = [p for p in body if p.tag == qn("w:p")]
    for p in paragraphs:
        if size is not None:
            for run in p.iter(qn("w:r")):
                rpr = run_properties(run)
                set_child(rpr, "w:sz", val=size)
                set_child(rpr, "w:szCs", val=size)
        if after is not None:
            ppr = p.find(qn("w:pPr"))
            spacing = ppr.find(qn("w:spacing"))
            spacing.set(qn("w:after"), str(after))
            spacing.set(qn("w:afterAutospacing"), "0")
    tables = [t for t in body if t.tag == qn("w:tbl")]
    for index, count in (pad or {}).items():
        heading = tables[index].getprevious()
        assert heading.tag == qn("w:p")
        for _ in range(count):
            empty = copy.deepcopy(heading)
            for run in empty.findall(qn("w:r")):
                empty.remove(run)
            heading.addprevious(empty)
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
    """[(page number, [[normalized cell text]])] for every table found, in reading order."""
    out = []
    with pdfplumber.open(str(path)) as pdf:
        pages = len(pdf.pages)
        for page in pdf.pages:
            for table in sorted(page.find_tables(), key=lambda t: t.bbox[1]):
                out.append((page.page_number, [[norm(c) for c in row] for row in table.extract()]))
    return pages, out


def classify(fragments, tables):
    """Assign each fragment to one of the three tables by the labels it holds."""
    labels = [{text for row in rows for _, text, _ in row if text and not NUMBER.fullmatch(text)}
              for rows in tables]
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
    pages, fragments = pdf_fragments(pdf_path)
    parts = classify(fragments, tables)
    where = {i: sorted({page for kind, page, _ in parts if kind == i}) for i in range(3)}
    problems = []

    # Every data row of every table, with its numbers, on some page.
    for i, rows in enumerate(tables):
        want = [[t for _, t, _ in row if NUMBER.fullmatch(t)] for row in rows]
        want = [w for w in want if w]
        got = [n for kind, _, rows_ in parts if kind == i for n in numbers_of(rows_) if n]
        if i == 0:  # the active table has values spread over rows; compare flat
            want, got = [sum(want, [])], [sum(got, [])]
        if got != want:
            problems.append(f"{TABLE_NAMES[i]}: numbers {got} != DOCX {want}")

    # (a): a merged group label on page p, some of its rows on a later page.
    leaf_page = {}
    label_page = {}
    for kind, page, rows in parts:
        if kind != 1:
            continue
        for row in rows:
            label = row_label(row)
            if label and any(NUMBER.fullmatch(c) for c in row):
                leaf_page.setdefault(label, page)
            for c in row:
                label_page.setdefault(c, page)
    layout_a = []
    for group, members in applications_groups(tables[1]).items():
        p = label_page.get(group)
        later = [m for m in members if p is not None and leaf_page.get(m, 0) > p]
        if later:
            layout_a.append(group)

    # (b): the whole reviews header on page p, the data row on page p + 1.
    header = [(page, rows) for kind, page, rows in parts
              if kind == 2 and any("行政复议" in c for row in rows for c in row)]
    data_pages = [page for kind, page, rows in parts if kind == 2
                  for n in numbers_of(rows) if len(n) == 15]
    layout_b = (len(header) == 1 and data_pages == [header[0][0] + 1]
                and sum(c == "结果维持" for row in header[0][1] for c in row) == 3)
    return {"pages": pages, "where": where, "a": layout_a, "b": layout_b,
            "problems": problems}


# ---------------------------------------------------------------- main

def convert(docx_files, out_dir, work):
    profile = (work / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_files)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=300)


def main():
    started = time.monotonic()
    if shutil.which("soffice") is None:
        sys.exit("soffice not found: apt-get install libreoffice-writer-nogui "
                 "fonts-noto-cjk fonts-wqy-zenhei")
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
            results.append((pdf, analyse(pdf, seed)))

    print(f"{'PDF':<42} pages  active  applications  reviews  layouts")
    failed = False
    for pdf, r in results:
        w = r["where"]
        show = lambda pages: "-".join(map(str, pages)) or "none"
        layouts = []
        if r["a"]:
            layouts.append("(a) " + ", ".join(r["a"]))
        if r["b"]:
            layouts.append("(b)")
        print(f"{pdf.name:<42} {r['pages']:>5}  {show(w[0]):<6}  {show(w[1]):<12}  "
              f"{show(w[2]):<7}  {'; '.join(layouts) or '-'}")
        for problem in r["problems"]:
            print("    PROBLEM", problem)
            failed = True
    if not any(r["a"] for _, r in results):
        print("layout (a) occurs in no PDF")
        failed = True
    if not any(r["b"] for _, r in results):
        print("layout (b) occurs in no PDF")
        failed = True
    print(f"{len(results)} PDFs in {PDF_DIR.relative_to(ROOT)}, "
          f"{time.monotonic() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
