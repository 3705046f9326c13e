"""dataset.parquet/: partitioned by year, read by pandas, pyarrow and DuckDB, and updated only
where documents changed; dataset.csv beside it with every row."""

import shutil

import duckdb
import pandas as pd
import pyarrow.dataset as ds
import pytest
from helpers import SAMPLES, SEED_IDS

from flows.document import process_document
from outputs.dataset import SHARDS, partition_of
from outputs.run_files import write_run_outputs

CELLS = 175 + 10 + 15  # a 2021-template report with （六） as three rows


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    """The five seed texts, processed once: 2023/<seed>.txt (003 is a 2022 report)."""
    out = tmp_path_factory.mktemp("seeds") / "out"
    for seed in SEED_IDS:
        doc_id = f"in/{seed}.txt"
        process_document(SAMPLES / "text" / f"{seed}.txt", out / doc_id, doc_id)
    return out


def parts(out) -> dict:
    """Each parquet part and CSV piece: (inode, bytes)."""
    found = {}
    for root in (out / "dataset.parquet", out / ".nianbao-index" / "dataset-csv"):
        for p in sorted(root.rglob("part-*")):
            found[p.relative_to(out).as_posix()] = (p.stat().st_ino, p.read_bytes())
    return found


def test_the_dataset_is_partitioned_by_year_and_readable_everywhere(tmp_path, processed):
    out = tmp_path / "out"
    shutil.copytree(processed, out)
    ids = [f"in/{s}.txt" for s in SEED_IDS]
    write_run_outputs(ids, out)
    years = sorted(p.name for p in (out / "dataset.parquet").iterdir())
    assert years == ["year=2022", "year=2023"]
    # DuckDB, reading the hive partitions (year from the folder names).
    con = duckdb.connect()
    parquet = f"read_parquet('{out}/dataset.parquet/**/*.parquet', hive_partitioning = true)"
    query = (
        "SELECT year, count(*) AS cells, count(DISTINCT document) AS documents, "
        "sum(number) FILTER (WHERE \"table\" = 'applications' AND \"row\" = 'new_received' "
        "AND col = 'total') AS received "
        f"FROM {parquet} GROUP BY year ORDER BY year"
    )
    assert con.execute(query).fetchall() == [
        (2022, CELLS, 1, 530.0),
        (2023, 4 * CELLS, 4, 2180.0 + 6 + 745 + 0.0),
    ]
    key = con.execute(
        f"SELECT DISTINCT agency, agency_key FROM {parquet} WHERE year = 2022"
    ).fetchall()
    assert key == [("北京市石景山区人民政府", "石景山区人民政府")]
    # pandas and pyarrow, on the folder.
    frame = pd.read_parquet(out / "dataset.parquet")
    assert len(frame) == 5 * CELLS
    assert sorted(frame["year"].astype(int).unique()) == [2022, 2023]
    table = ds.dataset(out / "dataset.parquet", partitioning="hive").to_table()
    assert table.num_rows == len(frame)
    # The CSV has the same rows, year included.
    csv = pd.read_csv(out / "dataset.csv", encoding="utf-8-sig")
    assert len(csv) == len(frame)
    assert sorted(csv["year"].unique()) == [2022, 2023]
    assert (out / "dataset.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_only_the_parts_of_changed_documents_are_rewritten(tmp_path, processed):
    out = tmp_path / "out"
    shutil.copytree(processed, out)
    ids = [f"in/{s}.txt" for s in SEED_IDS]
    write_run_outputs(ids[:4], out)
    before = parts(out)
    dataset_csv = (out / "dataset.csv").read_bytes()
    # A fifth document arrives: only its part (and its CSV piece) is written again.
    write_run_outputs(ids, out)
    after = parts(out)
    year, shard = partition_of(ids[4], 2023)
    touched = {f"dataset.parquet/year={year}/part-{shard:02d}.parquet"}
    touched.add(f".nianbao-index/dataset-csv/year={year}/part-{shard:02d}.csv")
    assert {p for p in after if after[p] != before.get(p)} == touched
    assert len((out / "dataset.csv").read_bytes()) > len(dataset_csv)
    # The same as writing all five at once into an empty OUT.
    fresh = tmp_path / "fresh"
    shutil.copytree(processed, fresh)
    write_run_outputs(ids, fresh)
    assert {p: b for p, (_, b) in parts(fresh).items()} == {p: b for p, (_, b) in after.items()}
    for name in ("dataset.csv", "documents.csv", "series.csv", "summary.html"):
        assert (fresh / name).read_bytes() == (out / name).read_bytes(), name
    # Leaving the run takes a document's rows out; losing the index rebuilds the same files.
    write_run_outputs(ids[:4], out)
    assert {p: b for p, (_, b) in parts(out).items()} == {p: b for p, (_, b) in before.items()}
    assert (out / "dataset.csv").read_bytes() == dataset_csv
    shutil.rmtree(out / ".nianbao-index")
    write_run_outputs(ids[:4], out)
    assert (out / "dataset.csv").read_bytes() == dataset_csv
    assert len(list((out / "dataset.parquet").rglob("*.parquet"))) <= 2 * SHARDS


def test_an_old_single_file_dataset_parquet_is_replaced(tmp_path, processed):
    out = tmp_path / "out"
    shutil.copytree(processed, out)
    (out / "dataset.parquet").write_bytes(b"PAR1 an old single file")
    write_run_outputs([f"in/{SEED_IDS[0]}.txt"], out)
    assert (out / "dataset.parquet").is_dir()
    assert len(pd.read_parquet(out / "dataset.parquet")) == CELLS
