"""Build samples/ from the seed dumps: the text itself, and DOCX versions.

Each DOCX is the blank official template (../shared/realdocs/govnianbao, real gridSpan/vMerge
merges) with the seed's body text as paragraphs and the seed's numbers filled in, by position:
the template and the seeds print the rows in the same order. Run: python scripts/make_samples.py
"""

import copy
import re
import shutil
import sys
from pathlib import Path

import docx
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
TEMPLATE = SHARED / "realdocs" / "govnianbao" / "zwgk_nianbao_template.docx"
NUMBER = re.compile(r"\s*\d+(\.\d+)?\s*")


def segments(text):
    """Split a dump into body-text blocks and tables: [("body", [lines]), ("table", [rows])]."""
    out, row, rows, body = [], None, [], []
    for line in text.split("\n"):
        if line.startswith("\t"):
            if body:
                out.append(("body", body))
                body = []
            row = row if row is not None else []
            row.append(line[1:])
        elif line == "":
            if row:
                rows.append(row)
            row = None
        elif row:
            row[-1] += "\n" + line
        else:
            if rows:
                out.append(("table", rows))
                rows = []
            body.append(line)
    if row:
        rows.append(row)
    if rows:
        out.append(("table", rows))
    if body:
        out.append(("body", body))
    return out


def set_text(tc, text):
    paragraphs = tc.findall(qn("w:p"))
    for extra in paragraphs[1:]:
        tc.remove(extra)
    p = paragraphs[0]
    runs = p.findall(qn("w:r"))
    for r in runs[1:]:
        p.remove(r)
    if runs:
        run = runs[0]
        for t in run.findall(qn("w:t")):
            run.remove(t)
    else:
        run = p.makeelement(qn("w:r"), {})
        p.append(run)
    t = run.makeelement(qn("w:t"), {})
    t.text = text
    run.append(t)


def value_rows(rows):
    return [r for r in rows if any(NUMBER.fullmatch(c) for c in r)]


def fill(template_tables, seed_tables):
    active, apps, reviews = (value_rows(rows) for rows in seed_tables)
    # The template's data rows in order, with how many value cells each has at its right.
    plan = [
        (
            template_tables[0],
            ["规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"],
            active,
        ),
        (template_tables[1], None, apps),
    ]
    for table, labels, seed_rows in plan:
        trs = table._tbl.findall(qn("w:tr"))
        data = [tr for tr in trs if _is_data_row(tr, labels)]
        assert len(data) == len(seed_rows), (len(data), len(seed_rows))
        for tr, seed_row in zip(data, seed_rows):
            tcs = tr.findall(qn("w:tc"))
            n = len(tcs) - 1 if labels else 7
            for tc, value in zip(tcs[-n:], seed_row[-n:]):
                set_text(tc, value.strip())
    last_tr = template_tables[2]._tbl.findall(qn("w:tr"))[-1]
    for tc, value in zip(last_tr.findall(qn("w:tc")), reviews[-1]):
        set_text(tc, value.strip())


def _is_data_row(tr, labels):
    first = "".join(t.text or "" for t in tr.findall(qn("w:tc"))[0].iter(qn("w:t")))
    if labels is not None:
        return first.strip() in labels
    texts = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]
    return len(texts) >= 8 and not any("自然人" in t or "商业" in t for t in texts)


def make_docx(seed, target):
    parts = segments(seed.read_text(encoding="utf-8"))
    document = docx.Document(str(TEMPLATE))
    body = document.element.body
    tables = list(document.tables)
    fill(tables, [rows for kind, rows in parts if kind == "table"])
    sect_pr = body.find(qn("w:sectPr"))
    paragraph_model = copy.deepcopy(body.find(qn("w:p")))
    for child in list(body):
        if child is not sect_pr:
            body.remove(child)
    table_iter = iter(tables)
    for kind, content in parts:
        if kind == "table":
            sect_pr.addprevious(next(table_iter)._tbl)
            continue
        for line in content:
            p = copy.deepcopy(paragraph_model)
            for r in p.findall(qn("w:r")):
                p.remove(r)
            run = p.makeelement(qn("w:r"), {})
            t = run.makeelement(qn("w:t"), {})
            t.text = line
            run.append(t)
            p.append(run)
            sect_pr.addprevious(p)
    document.core_properties.title = parts[0][1][0] if parts[0][0] == "body" else ""
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))


def main():
    for seed in sorted(SEEDS.glob("*.txt")):
        (ROOT / "samples" / "text").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seed, ROOT / "samples" / "text" / seed.name)
        make_docx(seed, ROOT / "samples" / "docx" / f"{seed.stem}.docx")
        print("made", seed.stem)


if __name__ == "__main__":
    sys.exit(main())
