"""Hostile folders: every odd entry is a document or a skipped input with its reason, the walk
never raises, and a run over them through the CLI writes what it can and lists the rest in
OUT/skipped.csv."""

import csv
import errno
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from helpers import ROOT, SAMPLES, SEED_IDS

from flows.inputs import find_documents

GOOD = SAMPLES / "text" / f"{SEED_IDS[0]}.txt"
GBK_NAME = b"\xb1\xa8\xb8\xe6.txt"  # 报告.txt in GBK: not UTF-8
ODD = {  # entry -> the code it is skipped with
    "dangling.txt": "broken_link",
    "loop_a.txt": "link_loop",
    "loop_b.txt": "link_loop",
    "sub/up": "link_loop",
    "pipe.txt": "not_regular",
    "mem.txt": "not_regular",
    "zero.txt": "not_regular",
    r"\xb1\xa8\xb8\xe6.txt": "name_not_utf8",
}


@pytest.fixture(scope="module")
def prefect_env(prefect_api_url):
    """The environment for the CLI, with the test process's Prefect server (conftest.py) shared
    by its runs (each would otherwise spend seconds starting its own), as tests/test_bulk.py
    does."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", "PREFECT_API_URL": prefect_api_url}


@pytest.fixture
def hostile(tmp_path):
    """A folder with one good report and every kind of odd entry, and files outside it that
    links lead to."""
    folder, outside = tmp_path / "in", tmp_path / "outside"
    (folder / "sub").mkdir(parents=True)
    (outside / "shelf").mkdir(parents=True)
    shutil.copyfile(GOOD, folder / "good.txt")
    shutil.copyfile(GOOD, outside / "chosen.txt")
    shutil.copyfile(GOOD, outside / "shelf" / "2023.txt")
    (folder / "linked.txt").symlink_to(outside / "chosen.txt")  # a selection made of links
    (folder / "shelf").symlink_to(outside / "shelf")  # a folder link, outside
    (folder / "again.txt").symlink_to("good.txt")  # the same file twice: one document
    (folder / "dangling.txt").symlink_to("/nonexistent/x")
    (folder / "loop_a.txt").symlink_to("loop_b.txt")
    (folder / "loop_b.txt").symlink_to("loop_a.txt")
    (folder / "sub" / "up").symlink_to("..")  # a folder link to its own ancestor
    os.mkfifo(folder / "pipe.txt")
    (folder / "mem.txt").symlink_to("/proc/self/mem")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / os.fsdecode(GBK_NAME)).write_bytes(GOOD.read_bytes())
    return folder


def test_every_odd_entry_is_skipped_with_its_reason(hostile, tmp_path):
    found = find_documents([hostile], tmp_path / "out")
    assert [(j.doc_id, j.path) for j in found] == [
        ("good.txt", hostile / "good.txt"),
        ("linked.txt", tmp_path / "outside" / "chosen.txt"),  # id: the link's path
        ("shelf/2023.txt", tmp_path / "outside" / "shelf" / "2023.txt"),
    ]
    assert {s.path: s.code for s in found.skipped} == ODD
    reasons = {s.path: s.reason for s in found.skipped}
    assert "报告.txt" in reasons[r"\xb1\xa8\xb8\xe6.txt"]  # as GBK reads it, to find it by
    assert all(re.search("[\u4e00-\u9fff]", s.reason) for s in found.skipped)
    # Everything goes to Prefect and into report.json as UTF-8.
    for text in [j.doc_id for j in found] + [str(j.path) for j in found] + [*reasons]:
        text.encode("utf-8")


def test_a_file_reached_through_links_only_is_named_by_the_first_link(tmp_path):
    folder, target = tmp_path / "in", tmp_path / "archive" / "report.txt"
    folder.mkdir()
    target.parent.mkdir()
    shutil.copyfile(GOOD, target)
    (folder / "b.txt").symlink_to(target)
    (folder / "a.txt").symlink_to(target)
    found = find_documents([folder], tmp_path / "out")
    assert [(j.doc_id, j.path) for j in found] == [("a.txt", target)]
    assert found.skipped == []


def test_a_link_to_the_folder_above_is_not_walked(tmp_path):
    folder = tmp_path / "in"
    (folder / "deep").mkdir(parents=True)
    shutil.copyfile(GOOD, folder / "deep" / "a.txt")
    (folder / "deep" / "top").symlink_to(tmp_path)  # above the folder given
    (folder / "deep" / "root").symlink_to("/")
    found = find_documents([folder], tmp_path / "out")
    assert [j.doc_id for j in found] == ["deep/a.txt"]
    assert {s.path: s.code for s in found.skipped} == {
        "deep/root": "link_loop",
        "deep/top": "link_loop",
    }


def test_odd_paths_given_on_the_command_line(hostile, tmp_path):
    given = [hostile / "pipe.txt", hostile / "dangling.txt", hostile / "good.txt"]
    found = find_documents(given, tmp_path / "out")
    assert [j.doc_id for j in found] == ["good.txt"]
    assert {s.path: s.code for s in found.skipped} == {
        "pipe.txt": "not_regular",
        "dangling.txt": "broken_link",
    }
    with pytest.raises(FileNotFoundError):  # a PATH that does not exist stays an error
        find_documents([tmp_path / "missing"], tmp_path / "out")


def test_a_folder_that_cannot_be_listed_is_skipped(hostile, tmp_path, monkeypatch):
    """Tests run as root, which lists any folder: the error is raised by os.scandir, where a
    user without the permission gets it, and reaches us through os.walk's onerror."""
    locked, locked_top = hostile / "locked", tmp_path / "top"
    for folder in (locked, locked_top):
        folder.mkdir()
        shutil.copyfile(GOOD, folder / "hidden_from_us.txt")
    refused = {str(locked), str(locked_top)}
    scandir = os.scandir

    def refusing(path="."):
        if os.fspath(path) in refused:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    found = find_documents([hostile], tmp_path / "out")
    assert "locked/hidden_from_us.txt" not in [j.doc_id for j in found]
    [entry] = [s for s in found.skipped if s.path == "locked"]
    assert (entry.code, entry.reason) == ("not_listable", "无法列出文件夹内容：没有权限")

    # The folder given itself.
    found = find_documents([locked_top], tmp_path / "out")
    assert list(found) == []
    assert [(s.path, s.code) for s in found.skipped] == [(".", "not_listable")]


def test_permissions_really_refused(tmp_path):
    """Real permissions, not a simulation. Root reads everything, so as root the walk runs in a
    child without the capabilities that bypass permissions (setpriv, from util-linux)."""
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    shutil.copyfile(GOOD, folder / "secret.txt")
    (folder / "secret.txt").chmod(0)
    (folder / "locked").chmod(0)
    try:
        skipped = _walk_without_override(folder, tmp_path / "out")
    finally:
        (folder / "locked").chmod(0o755)
    assert skipped == {"locked": "not_listable", "secret.txt": "unreadable"}


WALK = (
    "import json, sys; from pathlib import Path; from flows.inputs import find_documents; "
    "found = find_documents([Path(sys.argv[1])], Path(sys.argv[2])); "
    "print(json.dumps({s.path: s.code for s in found.skipped}))"
)


def _walk_without_override(folder, out) -> dict:
    if os.geteuid() != 0:
        return {s.path: s.code for s in find_documents([folder], out).skipped}
    setpriv = shutil.which("setpriv")  # util-linux: an essential package on Debian
    assert setpriv, "running as root, the test needs setpriv (util-linux) to drop root's rights"
    run = subprocess.run(
        [
            setpriv,
            "--bounding-set=-dac_override,-dac_read_search",
            sys.executable,
            "-c",
            WALK,
            str(folder),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_a_file_that_cannot_be_read_is_skipped(hostile, tmp_path, monkeypatch):
    access = os.access
    secret = str(hostile / "good.txt")
    monkeypatch.setattr(os, "access", lambda p, mode: p != secret and access(p, mode))
    found = find_documents([hostile], tmp_path / "out")
    assert "good.txt" not in [j.doc_id for j in found]
    assert [s.code for s in found.skipped if s.path == "good.txt"] == ["unreadable"]


def test_nothing_but_odd_entries_is_no_files_found(tmp_path, capsys):
    from cli.main import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").symlink_to("/nonexistent/x")  # the tester's repro
    assert main(["run", str(folder), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "No files found" in err and "a.txt" in err and "broken_link" in err
    assert not (tmp_path / "out").exists()
    assert main(["run", str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 2


@pytest.mark.slow  # through the CLI and Prefect
def test_a_run_over_a_hostile_folder(hostile, tmp_path, prefect_env):
    out = tmp_path / "out"

    def run():
        return subprocess.run(
            [sys.executable, "-m", "cli.main", "run", str(hostile), "--out", str(out)],
            cwd=ROOT,
            env=prefect_env,
            capture_output=True,
            text=True,
            timeout=300,  # a FIFO opened by mistake would hang it: fail instead
        )

    result = run()
    assert result.returncode == 0, result.stdout + result.stderr  # skipped inputs: not failures
    assert "Traceback" not in result.stderr, result.stderr
    last = result.stdout.splitlines()[-1]
    assert f"3 ok, 0 need review, 0 failed; {len(ODD)} inputs skipped (see skipped.csv)" in last
    for doc_id in ("good.txt", "linked.txt", "shelf/2023.txt"):
        report = json.loads((out / doc_id / "report.json").read_text(encoding="utf-8"))
        assert (report["status"], report["source"]["path"]) == ("ok", doc_id)

    raw = (out / "skipped.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfpath,code,reason\r\n")
    with open(out / "skipped.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["path"]: r["code"] for r in rows} == ODD
    summary = (out / "summary.html").read_text(encoding="utf-8")
    assert "skipped inputs" in summary and "dangling.txt" in summary

    # A rerun skips what is done and writes the same bytes.
    before = {n: (out / n).read_bytes() for n in ("skipped.csv", "summary.html", "documents.csv")}
    again = run()
    assert again.returncode == 0, again.stderr
    assert {n: (out / n).read_bytes() for n in before} == before


def test_a_saved_pages_files_folder_belongs_to_its_page(tmp_path):
    """Save page as… complete writes 报告.html and 报告_files/: its images are not documents."""
    from flows.inputs import find_documents

    (tmp_path / "报告.html").write_text("<html><body>…</body></html>", encoding="utf-8")
    (tmp_path / "报告_files").mkdir()
    (tmp_path / "报告_files" / "table1.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "other_files").mkdir()  # no page beside it: an ordinary folder
    (tmp_path / "other_files" / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    found = find_documents([tmp_path], tmp_path / "out")
    assert [job.doc_id for job in found] == ["other_files/scan.png", "报告.html"]
    assert found.skipped == []
