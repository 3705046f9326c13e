"""The run's cells: OUT/dataset.parquet/, a dataset partitioned by year, and OUT/dataset.csv.

    dataset.parquet/year=2023/part-07.parquet     hive style: pandas, pyarrow, DuckDB and Spark
    dataset.parquet/year=__HIVE_DEFAULT_PARTITION__/…   cells of documents whose year is unknown

A document's rows are in its year's partition, in the part its path hashes to (SHARDS parts a
year), sorted by document. Only the parts holding a changed document are rewritten, each
atomically: adding 10 documents to 100,000 rewrites at most 10 parts. The files hold every
column but `year`, which is the partition's name (readers add it back as a column).

dataset.csv holds the same rows for spreadsheet users, with `year`. Each part's rows are kept as
a CSV piece beside the index (OUT/.nianbao-index/dataset-csv/), written with the part; the CSV is
the pieces joined, in partition order, under one header: no cell is converted again.
"""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from model.report import Report, Value

from .atomic import atomic_writer
from .layout import (
    CSV_ENCODING,
    DATASET_CSV_NAME,
    DATASET_PARQUET_NAME,
    INDEX_DIR,
    PIECES_DIR,
    TEMP_SUFFIX,
)

SHARDS = 16  # parts per year: few files, and a part small enough to rewrite in milliseconds
NULL_YEAR = "__HIVE_DEFAULT_PARTITION__"  # Hive's name for a null partition value
Partition = tuple[int | None, int]  # (year, shard)

# The columns of a cell, `year` last in the CSV (in the parquet files it is the partition).
SCHEMA = pa.schema(
    [
        ("document", pa.string()),
        ("agency", pa.string()),
        ("agency_key", pa.string()),
        ("template", pa.string()),  # a cell's id means what FORMAT.md says for this template
        ("status", pa.string()),
        ("table", pa.string()),
        ("row", pa.string()),
        ("col", pa.string()),
        ("value", pa.string()),  # as written: an int, or an amount's exact decimal
        ("number", pa.float64()),
        ("unit", pa.string()),
        ("confidence", pa.float64()),
        ("flags", pa.string()),
    ]
)
CSV_SCHEMA = SCHEMA.append(pa.field("year", pa.int64()))


def shard_of(doc_id: str) -> int:
    return zlib.crc32(doc_id.encode("utf-8")) % SHARDS


def partition_of(doc_id: str, year: int | None) -> Partition:
    return (year, shard_of(doc_id))


def cell_rows(doc_id: str, report: Report, agency_key: str | None) -> dict[str, list]:
    """A document's cells as columns of SCHEMA."""
    columns: dict[str, list] = {name: [] for name in SCHEMA.names}
    for table_id, table in report.tables.items():
        for c in table.cells:
            value = _text(c.value)
            for name, item in (
                ("document", doc_id),
                ("agency", report.agency),
                ("agency_key", agency_key),
                ("template", report.template),
                ("status", report.status.value),
                ("table", table_id),
                ("row", c.row),
                ("col", c.col),
                ("value", value),
                ("number", float(c.value) if c.value is not None else None),
                ("unit", c.unit),
                ("confidence", round(c.confidence, 4)),
                ("flags", " ".join(c.flags) or None),
            ):
                columns[name].append(item)
    return columns


def _text(value: Value) -> str | None:
    return None if value is None else str(value)


class Dataset:
    """The partitioned parquet files and the CSV pieces of OUT."""

    def __init__(self, out: Path):
        self.out = out
        self.root = out / DATASET_PARQUET_NAME
        self.pieces = out / INDEX_DIR / PIECES_DIR

    def clear(self) -> None:
        """Start again from nothing (the index was rebuilt). An old single-file
        dataset.parquet goes too."""
        if self.root.is_dir() and not self.root.is_symlink():
            shutil.rmtree(self.root)
        else:
            self.root.unlink(missing_ok=True)
        shutil.rmtree(self.pieces, ignore_errors=True)

    def rewrite(self, partition: Partition, dropped: Iterable[str], added: pa.Table) -> None:
        """The part without the rows of `dropped` documents, with `added` (SCHEMA), sorted by
        document; removed when nothing is left."""
        path, piece = self._paths(partition)
        table = pq.ParquetFile(path).read() if path.is_file() else SCHEMA.empty_table()
        gone = pa.array(sorted(set(dropped)), pa.string())
        if len(gone) and table.num_rows:
            table = table.filter(pc.invert(pc.is_in(table["document"], value_set=gone)))
        table = pa.concat_tables([table, added])
        if not table.num_rows:
            path.unlink(missing_ok=True)
            piece.unlink(missing_ok=True)
            return
        table = table.take(pc.sort_indices(table, sort_keys=[("document", "ascending")]))
        with atomic_writer(path) as f:
            pq.write_table(table, f, compression="zstd")
        year = pa.array([partition[0]] * table.num_rows, pa.int64())
        with atomic_writer(piece) as f:
            pacsv.write_csv(
                table.append_column("year", year),
                f,
                pacsv.WriteOptions(include_header=False),
            )

    def _paths(self, partition: Partition) -> tuple[Path, Path]:
        year, shard = partition
        folder = f"year={NULL_YEAR if year is None else year}"
        name = f"part-{shard:02d}"
        return self.root / folder / f"{name}.parquet", self.pieces / folder / f"{name}.csv"

    def write_csv(self) -> None:
        """dataset.csv: the header, then every piece in partition order (null year last)."""
        folders = sorted(
            (p for p in self.pieces.glob("year=*") if p.is_dir()),
            key=lambda p: (p.name == f"year={NULL_YEAR}", p.name),
        )
        header = ",".join(f'"{name}"' for name in CSV_SCHEMA.names) + "\n"
        with atomic_writer(self.out / DATASET_CSV_NAME) as f:
            f.write(header.encode(CSV_ENCODING))
            for folder in folders:
                for piece in sorted(folder.glob("part-*.csv")):
                    with open(piece, "rb") as src:
                        shutil.copyfileobj(src, f, 1 << 20)

    def remove_temp_files(self) -> None:
        for folder in (self.root, self.pieces):
            if folder.is_dir():
                for tmp in folder.rglob(f".*{TEMP_SUFFIX}"):
                    tmp.unlink(missing_ok=True)


def rows_table(columns: dict[str, list]) -> pa.Table:
    return pa.Table.from_pydict(columns, schema=SCHEMA)
