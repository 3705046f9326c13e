"""Documents in worker processes: one that runs too long or whose process dies fails alone,
with its own report, and the next document is processed by a fresh worker."""

import json
import os
import signal
import threading
import time

import pytest
from helpers import SAMPLES

from flows.workers import WorkerPool
from model.limits import Limits

pytestmark = pytest.mark.slow  # starts worker processes (a few seconds each)

TEXT = SAMPLES / "text" / "000_de4a6e6b343917dd.txt"
SCAN = SAMPLES / "scans" / "004_35a7a0986a780ec4.rotated90.p4.jpg"


def report(folder) -> dict:
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))


def test_a_document_over_its_time_fails_alone(tmp_path):
    pool = WorkerPool(1, Limits(timeout=0.5))
    try:
        pool.process(TEXT, tmp_path / "warm", "warm.txt")  # the worker's start-up is not timed
        slow = pool.process(SCAN, tmp_path / "scan", SCAN.name)
        assert (slow.status, slow.error_code) == ("failed", "timeout")
        assert "处理时间（秒）超过上限 0.5" in slow.error and "--timeout" in slow.error
        assert report(tmp_path / "scan")["error_code"] == "timeout"
        after = pool.process(TEXT, tmp_path / "text", TEXT.name)
        assert after.status == "ok"
    finally:
        pool.close()


def test_a_worker_that_dies_takes_only_its_document(tmp_path):
    pool = WorkerPool(1, Limits())
    try:
        pool.process(TEXT, tmp_path / "warm", "warm.txt")
        (worker,) = pool._all
        killer = threading.Timer(1.0, os.kill, (worker.process.pid, signal.SIGKILL))
        killer.start()
        started = time.monotonic()
        dead = pool.process(SCAN, tmp_path / "scan", SCAN.name)
        assert time.monotonic() - started < 60
        assert (dead.status, dead.error_code) == ("failed", "crashed")
        assert pool.process(TEXT, tmp_path / "text", TEXT.name).status == "ok"
    finally:
        pool.close()
