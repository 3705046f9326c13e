"""The hostile corpus (scripts/make_hostile.py) through `nianbao run`, in one run: every case
gets the outcome it should, the good reports are read exactly, and the run neither hangs, nor
eats memory, nor prints a traceback, nor fetches anything. One run shows every mismatch."""

from __future__ import annotations

import contextlib
import csv
import http.server
import importlib.util
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pytest
from helpers import ROOT, TRUTH, load_truth_cells, report_cells

pytestmark = pytest.mark.slow  # the whole corpus through the CLI: minutes

RUN_TIMEOUT = 600  # seconds; a run still going then is a hang
LEFTOVER_GRACE = 15  # seconds the run's processes get to end after it exits
MEMORY_LIMIT_KB = 2 * 1024 * 1024  # peak RSS of any process of the run
# All the run's processes together: the run is killed above this, to spare the machine.
WATCHDOG_KB = 6 * 1024 * 1024
# Lower page and frame limits than the defaults (500, 200), and cases around them: the same
# checks, without minutes of blank pages.
PAGES, FRAMES = 20, 20


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "make_hostile", ROOT / "scripts" / "make_hostile.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building the class
    spec.loader.exec_module(module)
    return module


hostile = _load_generator()


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers 404 to everything and remembers what was asked: nothing should be."""

    requests: ClassVar[list[str]] = []

    def do_GET(self):  # the name http.server calls
        _Recorder.requests.append(f"{self.command} {self.path}")
        self.send_error(404)

    do_HEAD = do_POST = do_GET

    def log_message(self, *args):  # keep the test's output clean
        pass


@dataclass
class Run:
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    hung: bool = False
    watchdog: str | None = None  # why the watchdog killed the run, if it did
    peak_tree_kb: int = 0  # the most the run's processes held together (sampled)
    peak_process_kb: int = 0  # the most one of them held (sampled)
    leftovers: list[str] = field(default_factory=list)  # processes still there after the run


def _session_processes(sid: int) -> dict[int, tuple[str, int]]:
    """Processes of session `sid`: pid -> (command name, RSS in KB)."""
    found = {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[3]) != sid:  # fields after the name: state ppid pgrp session ...
                continue
            resident = int(Path(f"/proc/{entry}/statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        found[int(entry)] = (name, resident * page_kb)
    return found


def _kill_session(sid: int) -> None:
    for pid in _session_processes(sid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def run_nianbao(folder: Path, out: Path, logs: Path) -> Run:
    """`nianbao run FOLDER --out OUT` in its own session, watched: killed after RUN_TIMEOUT, or
    as soon as its processes together hold more than WATCHDOG_KB."""
    run = Run()
    started = time.monotonic()
    with open(logs / "stdout.txt", "wb") as stdout, open(logs / "stderr.txt", "wb") as stderr:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli.main",
                "run",
                str(folder),
                "--out",
                str(out),
                "--max-pages",
                str(PAGES),
                "--max-frames",
                str(FRAMES),
            ],
            cwd=ROOT,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,  # its session id is its pid: finds its workers too
        )
        while proc.poll() is None:
            processes = _session_processes(proc.pid)
            tree = sum(kb for _, kb in processes.values())
            run.peak_tree_kb = max(run.peak_tree_kb, tree)
            run.peak_process_kb = max([run.peak_process_kb, *(kb for _, kb in processes.values())])
            if tree > WATCHDOG_KB:
                run.watchdog = f"its processes held {tree / 2**20:.1f} GB together"
                _kill_session(proc.pid)
            elif time.monotonic() - started > RUN_TIMEOUT:
                run.hung = True
                _kill_session(proc.pid)
            time.sleep(0.2)
        run.returncode = proc.returncode
    run.seconds = time.monotonic() - started
    for _ in range(LEFTOVER_GRACE * 5):  # its helpers (Prefect's server) may take a moment
        if not _session_processes(proc.pid):
            break
        time.sleep(0.2)
    left = _session_processes(proc.pid)
    run.leftovers = [f"{pid} {name}" for pid, (name, _) in left.items()]
    _kill_session(proc.pid)
    run.stdout = (logs / "stdout.txt").read_text(errors="replace")
    run.stderr = (logs / "stderr.txt").read_text(errors="replace")
    return run


def read_reports(out: Path) -> dict[str, dict]:
    """Every report.json under OUT, by its folder relative to OUT."""
    reports = {}
    for path in out.rglob("report.json"):
        key = os.fsdecode(os.path.relpath(os.fsencode(path.parent), os.fsencode(out)))
        try:
            reports[key] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            reports[key] = {"status": f"unreadable report.json ({e})"}
    return reports


def read_skipped(out: Path) -> set[str] | None:
    """Every value in OUT/skipped.csv (whatever its columns), or None if there is none."""
    path = out / "skipped.csv"
    if not path.exists():
        return None
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        return {value for row in csv.reader(f) for value in row}


def listed(case_path: str, folder: Path, skipped: set[str]) -> bool:
    """Is the case in skipped.csv: by its path, relative or whole, its bytes that are not
    UTF-8 written as \\xNN or kept as they are?"""
    forms = {case_path, os.fsencode(case_path).decode("utf-8", "backslashreplace")}
    whole = {str(folder / f) for f in forms}
    return any(v in forms | whole or any(v.endswith("/" + f) for f in forms) for v in skipped)


def find_report(case, reports: dict[str, dict], claimed: set[str]) -> tuple[str, dict] | None:
    """The case's report: OUT/<its path>/report.json, or else the one report of its content
    that no other case's path names (a name kept under a safe id)."""
    if case.path in reports:
        return case.path, reports[case.path]
    if case.sha256 is None:
        return None
    same = [
        (key, r)
        for key, r in reports.items()
        if key not in claimed and (r.get("source") or {}).get("sha256") == case.sha256
    ]
    return same[0] if len(same) == 1 else None


def outcome(report: dict | None, is_listed: bool | None) -> str:
    if report is None:
        if is_listed is None:
            return "no report (no skipped.csv)"
        return "no report, " + ("listed in skipped.csv" if is_listed else "not in skipped.csv")
    status = report.get("status")
    code = report.get("error_code")
    return f"{status} {code}" if code else str(status)


def meets(expect, case, report: dict | None, is_listed: bool | None) -> bool:
    if expect == hostile.SKIPPED:
        return report is None and bool(is_listed)
    if expect == hostile.ABSENT:
        return report is None
    if report is None:
        return False
    if expect == hostile.GOOD:
        return (
            report.get("status") == "ok" and bool(case.truth) and not cell_differences(case, report)
        )
    status, codes = expect
    if report.get("status") != status:
        return False
    return status != "failed" or report.get("error_code") in codes


def cell_differences(case, report: dict) -> list[str]:
    truth = load_truth_cells(TRUTH / f"{case.truth}.json")
    try:
        got = report_cells(report)
    except (KeyError, TypeError):
        return ["no tables"]
    return [
        f"{'.'.join(k)}: {got.get(k)!r} != {v!r}"
        for k, v in sorted(truth.items())
        if got.get(k) != v
    ]


def raised(stderr: str) -> list[str]:
    """The exception line of each traceback in `stderr`."""
    found, inside = [], False
    for line in stderr.splitlines():
        if line.startswith("Traceback (most recent call last)"):
            inside = True
        elif inside and line and not line.startswith(" "):
            found.append(line[:160])
            inside = False
    return found


def test_hostile_corpus(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Recorder.requests.clear()
    url = f"http://127.0.0.1:{server.server_address[1]}/hostile"
    folder, out, logs = tmp_path / "corpus", tmp_path / "out", tmp_path / "logs"
    logs.mkdir()
    try:
        hostile.use_limits(PAGES, FRAMES)
        cases = hostile.make_corpus(folder, link_url=url)
        run = run_nianbao(folder, out, logs)
    finally:
        server.shutdown()
        server.server_close()
    maxrss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB on Linux

    reports = read_reports(out)
    skipped = read_skipped(out)
    claimed = {c.path for c in cases}
    rows, mismatches, used = [], [], set()
    for case in cases:
        found = find_report(case, reports, claimed)
        key, report = found if found else (None, None)
        used.add(key)
        is_listed = None if skipped is None else listed(case.path, folder, skipped)
        got = outcome(report, is_listed)
        ok = any(meets(e, case, report, is_listed) for e in case.outcomes)
        note = ""
        if report is not None and report.get("error_code") == "internal_error":
            ok, note = False, "internal_error: " + str(report.get("error"))[:120]
        elif report is not None and hostile.GOOD in case.outcomes and report.get("status") == "ok":
            differences = cell_differences(case, report)
            if differences:
                note = f"{len(differences)} cells differ, e.g. {differences[0]}"
        elif hostile.SKIPPED in case.outcomes and skipped is None and report is None:
            note = "OUT/skipped.csv does not exist"
        if key is not None and key != case.path:
            note = f"report under {hostile.shown(key)!r} " + note
        expected = " or ".join(hostile.describe(e) for e in case.outcomes)
        rows.append((ok, hostile.shortened(case.path), expected, got, note))
        if not ok:
            mismatches.append(case.path)

    table = "\n".join(
        f"{'  ' if ok else '✗ '}{path:<44}  {expected:<36}  {got:<36}  {note}"
        for ok, path, expected, got, note in rows
    )
    problems = [f"{len(mismatches)} of {len(cases)} cases not as expected"] if mismatches else []
    if run.hung or run.watchdog:
        why = run.watchdog or f"it did not finish in {RUN_TIMEOUT} s (a hang)"
        unfinished = [hostile.shown(p) for p in mismatches if not reports.get(p)]
        problems.append(f"the run was killed: {why}; without a report: {unfinished}")
    if run.returncode != 1:
        problems.append(f"exit code {run.returncode}, expected 1 (some documents failed)")
    if "Traceback (most recent call last)" in run.stderr:
        problems.append("tracebacks in stderr: " + "; ".join(raised(run.stderr)))
    peak = max(maxrss_kb, run.peak_process_kb)
    if peak > MEMORY_LIMIT_KB:
        problems.append(f"peak memory of one process {peak / 2**20:.2f} GB > 2 GB")
    if run.leftovers:
        problems.append(
            f"processes still running {LEFTOVER_GRACE} s after the run: {run.leftovers}"
        )
    if _Recorder.requests:
        problems.append(f"external links were fetched: {_Recorder.requests}")
    strays = sorted(set(reports) - used)
    if strays:
        problems.append(f"reports for no case (a link followed into a loop?): {strays[:10]}")

    summary = (
        f"{len(cases)} cases, run {run.seconds:.0f} s, exit {run.returncode}, "
        f"peak RSS of one process {peak / 2**20:.2f} GB (ru_maxrss {maxrss_kb / 2**20:.2f} GB), "
        f"of all together {run.peak_tree_kb / 2**20:.2f} GB"
    )
    print(f"{summary}\n{table}")
    assert not problems, "\n".join([summary, *problems, "", table])
