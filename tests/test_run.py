"""End to end: `nianbao run` through the real Prefect flow, on a mixed folder."""

import hashlib
import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from helpers import ROOT, SAMPLES, SEED_002

from outputs.layout import INDEX_DIR

pytestmark = pytest.mark.slow  # the whole samples/ folder through the CLI

GOOD = "000_de4a6e6b343917dd"


def tree(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and INDEX_DIR not in p.parts  # the index is a cache (outputs/index.py)
    }


def nianbao(*args):
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_run_a_mixed_folder_then_rerun_identically(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    (inbox / "2023").mkdir(parents=True)
    (inbox / "2022").mkdir()
    shutil.copyfile(SAMPLES / "text" / f"{SEED_002}.txt", inbox / "2023" / "report.txt")
    shutil.copyfile(SAMPLES / "docx" / f"{GOOD}.docx", inbox / "2023" / "report.docx")
    shutil.copyfile(SAMPLES / "text" / f"{GOOD}.txt", inbox / "2022" / "report.txt")
    (inbox / "empty.pdf").write_bytes(b"")
    before = {k: hashlib.sha256(v).hexdigest() for k, v in tree(inbox).items()}

    first = nianbao("run", inbox, "--out", out)
    assert first.returncode == 1, first.stderr  # one document failed
    lines = first.stdout.splitlines()
    assert any(l.startswith("FAILED") and "empty.pdf" in l and "空" in l for l in lines)
    assert any(l.startswith("ok") and "2023/report.docx" in l for l in lines)
    assert "4 documents" in lines[-1] and "1 failed" in lines[-1]

    reports = {
        p.parent.relative_to(out).as_posix(): json.loads(p.read_text(encoding="utf-8"))
        for p in out.rglob("report.json")
    }
    assert sorted(reports) == [
        "2022/report.txt",
        "2023/report.docx",
        "2023/report.txt",
        "empty.pdf",
    ]
    assert reports["2023/report.txt"]["checks"][0]["rule"] == "applications.balance"
    assert reports["2023/report.docx"]["source"]["format"] == "docx"
    assert reports["empty.pdf"]["status"] == "failed"

    wide = (out / "2023" / "report.txt" / "applications.csv").read_bytes()
    assert wide.startswith(b"\xef\xbb\xbf")  # BOM: Excel/WPS read the Chinese right
    wide_rows = wide.decode("utf-8-sig").splitlines()
    assert wide_rows[1].startswith(
        "new_received,一、本年新收政府信息公开申请数量,706,31,0,0,0,8,745"
    )
    long = pd.read_csv(out / "2023" / "report.txt" / "cells.csv", encoding="utf-8-sig")
    assert len(long) == 200

    dataset = pd.read_parquet(out / "dataset.parquet")
    assert len(dataset) == 3 * 200
    agency = dataset[
        (dataset.document == "2023/report.txt")
        & (dataset.row == "new_received")
        & (dataset.col == "total")
    ]
    assert agency[["agency", "year", "value"]].values.tolist() == [
        ["北京市朝阳区政务服务管理局", 2023, "745"]
    ]
    assert pd.read_csv(out / "dataset.csv", encoding="utf-8-sig").shape == (600, 14)
    documents = pd.read_csv(out / "documents.csv", encoding="utf-8-sig")
    assert documents.status.tolist() == ["ok", "ok", "ok", "failed"]

    first_outputs = tree(out)
    second = nianbao("run", inbox, "--out", out)
    assert second.returncode == 1
    assert tree(out) == first_outputs  # reruns give the same bytes
    assert {k: hashlib.sha256(v).hexdigest() for k, v in tree(inbox).items()} == before
    assert not [p for p in out.rglob("*.tmp")]
