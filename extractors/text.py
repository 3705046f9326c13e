"""Plain-text tab-cell dumps (the seeds' format).

A line starting with a tab opens a cell, a line without a tab continues the previous cell, and a
bare empty line ends a row. Consecutive rows form one table; a line of body text ends it. The
dump keeps no spans, so rows are ragged: mapping reads values from the right (see canonical).
"""

from __future__ import annotations

from pathlib import Path

from model.grid import Extraction, Grid, GridCell
from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import Limits, check
from model.settings import DEFAULT, ScanSettings

from .errors import UnreadableDocument


def extract(
    path: Path, scan: ScanSettings = DEFAULT, limits: Limits = DEFAULT_LIMITS
) -> Extraction:
    check(limits, "max_part_mb", path.stat().st_size / 1e6)
    extraction = parse(_decode(path.read_bytes()))
    for grid in extraction.tables:
        check(limits, "max_cells", len(grid.cells))
    return extraction


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableDocument("文本文件的编码无法识别，请另存为 UTF-8 编码后重试。")
    raise UnreadableDocument(
        "文本文件是 GBK/GB18030 编码，本工具只读取 UTF-8；请用记事本或 WPS 另存为 UTF-8 后重试。"
    )


def parse(text: str) -> Extraction:
    body: list[str] = []
    tables: list[Grid] = []
    rows: list[list[str]] = []  # rows of the table being read
    row: list[str] | None = None  # cells of the row being read, None between rows

    def end_row() -> None:
        nonlocal row
        if row:
            rows.append(row)
        row = None

    def end_table() -> None:
        end_row()
        if rows:
            tables.append(_grid(rows))
            rows.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.startswith("\t"):
            row = row if row is not None else []
            row.append(line[1:])
        elif line == "":
            end_row()
        elif row:
            row[-1] += "\n" + line
        else:
            end_table()
            body.append(line)
    end_table()
    return Extraction(format="text", body_text="\n".join(body), tables=tables)


def _grid(rows: list[list[str]]) -> Grid:
    return Grid(
        [
            GridCell(row=r, col=c, text=text)
            for r, cells in enumerate(rows)
            for c, text in enumerate(cells)
        ]
    )
