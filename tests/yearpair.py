"""Reports made for the series tests: the next year of a real report, as a text dump.

`report_text` writes a 2021-template report in the tab-cell text format (samples/text/): the
title, then tables 二, 三 and 四 of seed 000 with the numbers of 三 and 四 replaced, row by
row in template order. Table 二 keeps the seed's numbers: the series checks do not look at it.
"""

from __future__ import annotations

import re

from helpers import SAMPLES

from canonical.templates import DEFAULT

SKELETON = SAMPLES / "text" / "000_de4a6e6b343917dd.txt"
ROWS = [r.id for r in DEFAULT.table("applications").rows_of("split")]
COLUMNS = [c.id for c in DEFAULT.table("applications").columns]
NUMBER = re.compile(r"\t\d+(\.\d+)?")

# 洪泽区 in 2024: what a next-year report of hzq2023 could print. carried_over is 2023's
# carried_forward (all 0, ../shared/realdocs/truth/hzq2023.json); every identity holds.
HZQ2024 = {
    "new_received": {"natural_person": 25, "commercial": 2, "total": 27},
    "granted": {"natural_person": 10, "commercial": 1, "total": 11},
    "partially_granted": {"natural_person": 5, "total": 5},
    "unable.not_held": {"natural_person": 6, "commercial": 1, "total": 7},
    "ignored.duplicate": {"natural_person": 2, "total": 2},
    "total_processed": {"natural_person": 23, "commercial": 2, "total": 25},
    "carried_forward": {"natural_person": 2, "total": 2},
}
# The same with a broken carry: 3 carried over from 2023 (which carried 0 forward), the
# report balancing itself (25 + 3 = 23 + 5).
HZQ2024_BROKEN = {
    **HZQ2024,
    "carried_over": {"natural_person": 3, "total": 3},
    "carried_forward": {"natural_person": 5, "total": 5},
}
REVIEWS_2024 = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]


def report_text(
    title: list[str], applications: dict[str, dict[str, int]], reviews: list[int]
) -> str:
    """The text of a report whose title lines are `title`; cells not given are 0."""
    lines = SKELETON.read_text(encoding="utf-8").splitlines()
    start = lines.index("2、 主动公开政府信息情况")
    third = lines.index("3、 收到和处理政府信息公开申请情况")
    fourth = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    end = lines.index("五、存在的主要问题及改进情况")
    values = [applications.get(row, {}).get(col, 0) for row in ROWS for col in COLUMNS]
    body = (
        lines[start:third]
        + _replaced(lines[third:fourth], values)
        + _replaced(lines[fourth:end], reviews)
    )
    return "\n".join([*title, "", *body, ""]) + "\n"


def _replaced(lines: list[str], values: list[int]) -> list[str]:
    numbers = iter(values)
    out = [f"\t{next(numbers)}" if NUMBER.fullmatch(line) else line for line in lines]
    assert next(numbers, None) is None, "every value placed"
    return out
