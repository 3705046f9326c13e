"""Write tests/truth/<seed>.json from the seed dumps, by position only.

An independent reading of the seeds for the tests: it knows the template's row order and
nothing of the pipeline's label matching, so the two can disagree. Run once; review the diff.
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from canonical.templates.shared import APPLICATIONS, REVIEWS_LITIGATION
from canonical.templates.t2021 import ACTIVE_DISCLOSURE

SEEDS = ROOT.parent / "shared" / "seeds"
NUMBER = re.compile(r"\s*\d+(\.\d+)?\s*")


def rows_of(text):
    """Tab-cell rows (lists of cell strings), continuation lines appended."""
    rows, row = [], None
    for line in text.split("\n"):
        if line.startswith("\t"):
            row = row if row is not None else []
            row.append(line[1:])
        elif line == "":
            if row:
                rows.append(row)
            row = None
        elif row:
            row[-1] += line
    return rows


def value(cell, decimal=False):
    cell = cell.strip()
    if cell == "":
        return None
    return cell if decimal else int(cell)


def truth(path):
    rows = rows_of(path.read_text(encoding="utf-8"))
    numeric = [r for r in rows if any(NUMBER.fullmatch(c) for c in r)]
    # active_disclosure: the first six numeric rows, values at the right.
    active = {}
    for row, cells in zip(ACTIVE_DISCLOSURE.rows, numeric[:6]):
        cols = ACTIVE_DISCLOSURE.columns_of(row)
        active[row.id] = {
            c: value(v, ACTIVE_DISCLOSURE.column(c).kind == "decimal")
            for c, v in zip(cols, cells[-len(cols) :])
        }
    # applications: the next 25 numeric rows, seven values at the right.
    apps = {}
    for row, cells in zip(APPLICATIONS.rows_of("split"), numeric[6:31]):
        apps[row.id] = {c.id: value(v) for c, v in zip(APPLICATIONS.columns, cells[-7:])}
    # reviews_litigation: one row of 15.
    last = numeric[31]
    assert len(last) == 15, (path, last)
    reviews = {}
    for i, row in enumerate(REVIEWS_LITIGATION.rows):
        reviews[row.id] = {
            c.id: value(v) for c, v in zip(REVIEWS_LITIGATION.columns, last[5 * i : 5 * i + 5])
        }
    return {
        "id": path.stem,
        "file": f"seeds/{path.name}",
        "active_disclosure": active,
        "applications": apps,
        "reviews_litigation": reviews,
    }


if __name__ == "__main__":
    out = ROOT / "tests" / "truth"
    for seed in sorted(SEEDS.glob("*.txt")):
        (out / f"{seed.stem}.json").write_text(
            json.dumps(truth(seed), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print("wrote", seed.stem)
