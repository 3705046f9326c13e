"""Old office files (.doc, .wps, .rtf, .odt): converted to DOCX by LibreOffice, then read by the
DOCX route.

**Why one LibreOffice per process, driven over UNO.** Measured here (LibreOffice 7.4, 2 cores):

- `soffice --convert-to docx` costs 2.5 s per call with a warm profile, 4 s with a new one:
  most of it is starting LibreOffice. Calling it with many files at once starts it once, but
  documents come one at a time to each worker, so that does not fit the pipeline.
- `soffice --convert-to` while an instance with the same profile runs hands the job to it (0.5 s)
  but then that instance quits, so the next call starts a new one.
- A LibreOffice kept running (`--accept`) converts a report's .doc in 0.15 s over UNO.

So each process that meets an old office file starts one LibreOffice, on the first such file,
and keeps it for the next. UNO needs LibreOffice's Python bindings, which are built for
LibreOffice's Python (Debian's python3-uno: /usr/bin/python3), not necessarily ours; so the
UNO side is a small script (`office_bridge.py`) run by that Python, as a child process speaking
JSON lines over a pipe. `unoserver` (PyPI) is the same idea with an XML-RPC port per instance
and a dependency; what we need of it is that one script.

**Safety.** Each converter has its own profile directory (`/tmp/nianbao-lo-<pid>-…`), so
conversions in parallel processes never share one. LibreOffice reads a private copy of the
input in a private temporary folder, never the input itself (no lock file beside it either),
with macros off and links not updated. Every conversion has a timeout (`CONVERT_TIMEOUT`, and
at most 80% of the document's `--timeout`): a converter over it, or one that died, is killed
with its process group and started afresh for the next document. When this process exits, or
is killed (the bridge sees its pipe close), LibreOffice is killed and its profile removed.

A converter that dies is started again, and the document tried once more: it may have died
before it (the OOM killer, say); dying twice is the document's doing.

**Without LibreOffice** (no `soffice` on PATH, or no UNO bindings) these documents are `failed`
with `error_code: converter_missing` and a message naming the package to install. When it is
installed but will not start, `converter_failed`, and this process does not try again (a start
that hangs would cost every document START_TIMEOUT). Resuming retries both: they are facts about
the machine, not the file.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from model.grid import Extraction
from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import Limits
from model.settings import DEFAULT, ScanSettings

from . import docx
from .errors import UnreadableDocument

KINDS = {  # format -> how a clerk calls it
    "doc": "Word 97–2003（.doc）",
    "wps": "WPS 文字（.wps）",
    "rtf": "RTF（.rtf）",
    "odt": "OpenDocument 文本（.odt）",
}
PACKAGE = "libreoffice-writer-nogui"  # Debian/Ubuntu
UNO_PACKAGE = "python3-uno"
BRIDGE = Path(__file__).with_name("office_bridge.py")
HOME_PREFIX = "nianbao-lo-"  # + pid + "-" + random: a converter's profile and log
START_TIMEOUT = 90.0  # seconds for LibreOffice to start (4 s here with a new profile)
CONVERT_TIMEOUT = 120.0  # seconds for one conversion (0.15 s for a report here)
STOP_TIMEOUT = 10.0

# Converters started by this process: the bulk-run test counts them.
starts = 0


class ConverterUnavailable(UnreadableDocument):
    """No converter on this machine, or one that would not start: not a fact about the file."""


def reader(kind: str) -> Callable[[Path, ScanSettings, Limits], Extraction]:
    """The extractor of `kind` ("doc", "wps", "rtf", "odt") for extractors.EXTRACTORS."""
    return functools.partial(extract, kind=kind)


def extract(
    path: Path, scan: ScanSettings = DEFAULT, limits: Limits = DEFAULT_LIMITS, *, kind: str
) -> Extraction:
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        # The suffix is the format found from the content; LibreOffice is told no more.
        source = Path(tmp) / f"document.{kind}"
        shutil.copyfile(path, source)
        target = Path(tmp) / "document.docx"
        convert(source, target, kind, min(CONVERT_TIMEOUT, 0.8 * limits.timeout))
        extraction = docx.extract(target, scan, limits)
    extraction.format = kind
    return extraction


_lock = threading.Lock()  # one conversion at a time per process: one LibreOffice
_converter: _Converter | None = None
_start_failure: str | None = None  # why LibreOffice would not start here: not tried again


def convert(source: Path, target: Path, kind: str, timeout: float) -> None:
    """Save `source` as DOCX at `target`, with this process's converter (started if need be).
    Raises UnreadableDocument in the clerk's words."""
    with _lock:
        outcome = _convert_once(source, target, kind, timeout)
        if outcome.get("error") == "died":
            # It may have died before this document (killed, out of memory): once more, with a
            # new one. Dying twice is the document's doing.
            outcome = _convert_once(source, target, kind, timeout)
    if "ok" not in outcome:
        raise _failure(kind, outcome, timeout)


def _convert_once(source: Path, target: Path, kind: str, timeout: float) -> dict:
    global _converter, _start_failure
    if _converter is None:
        if _start_failure is not None:
            raise _not_started(kind, _start_failure)
        try:
            _converter = _Converter(kind)
        except _StartFailed as e:
            _start_failure = str(e)
            raise _not_started(kind, _start_failure)
    try:
        outcome = _converter.convert(source, target, timeout)
    except _Gone:
        outcome = {"error": "died"}
    if outcome.get("error") in ("timeout", "died"):
        _converter.stop()  # hung or gone: the next conversion gets a new one
        _converter = None
    return outcome


def stop() -> None:
    """Stop this process's converter, if it runs (also done at exit)."""
    global _converter
    with _lock:
        if _converter is not None:
            _converter.stop()
            _converter = None


atexit.register(stop)


class _Gone(Exception):
    """The bridge closed its end of the pipe."""


class _StartFailed(Exception):
    """LibreOffice is installed but would not start; the message says how."""


class _Converter:
    """One LibreOffice and the bridge process that drives it."""

    def __init__(self, kind: str):
        global starts
        soffice = shutil.which("soffice")
        if soffice is None:
            raise ConverterUnavailable(
                f"无法读取{KINDS[kind]}文件：本机未安装 LibreOffice（Debian/Ubuntu 软件包 "
                f"{PACKAGE}），请安装后重试，或在 Word/WPS 中另存为 .docx。",
                "converter_missing",
            )
        _remove_stale_homes()
        self.home = Path(tempfile.mkdtemp(prefix=f"{HOME_PREFIX}{os.getpid()}-"))
        self.office_pid: int | None = None
        self._buffer = b""
        with open(self.home / "bridge.log", "wb") as log:
            self.process = subprocess.Popen(
                [_uno_python(soffice), str(BRIDGE), soffice, self.home.as_uri()],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                process_group=0,
            )
        starts += 1
        try:
            self._await_ready(kind)
        except BaseException:
            self.stop()
            raise

    def _await_ready(self, kind: str) -> None:
        try:
            started = self._reply(START_TIMEOUT)
            if started and "started" in started:
                self.office_pid = started["started"]
                started = self._reply(START_TIMEOUT)
        except _Gone:
            started = {"error": "no_start", "detail": "the bridge exited"}
        if started and started.get("ready"):
            return
        if started and started.get("error") == "no_uno":
            raise ConverterUnavailable(
                f"无法读取{KINDS[kind]}文件：本机的 LibreOffice 缺少 Python 接口（Debian/Ubuntu "
                f"软件包 {UNO_PACKAGE}），请安装后重试，或在 Word/WPS 中另存为 .docx。",
                "converter_missing",
            )
        raise _StartFailed((started or {}).get("detail", f"{START_TIMEOUT:g} 秒内没有启动"))

    def convert(self, source: Path, target: Path, timeout: float) -> dict:
        request = {"source": str(source), "target": str(target)}
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            raise _Gone
        outcome = self._reply(timeout)
        return outcome if outcome is not None else {"error": "timeout"}

    def _reply(self, timeout: float) -> dict | None:
        """The bridge's next line, or None after `timeout` seconds without one."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                raise _Gone
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)

    def stop(self) -> None:
        """Kill LibreOffice and the bridge (each leads a process group), remove the profile."""
        for group in (self.office_pid, self.process.pid):
            if group is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(group, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(STOP_TIMEOUT)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        shutil.rmtree(self.home, ignore_errors=True)


def _uno_python(soffice: str) -> str:
    """LibreOffice's Python: its own (`program/python` in LibreOffice's builds), or the system's
    (Debian's python3-uno is built for /usr/bin/python3)."""
    bundled = Path(os.path.realpath(soffice)).parent / "python"
    for candidate in (bundled, Path("/usr/bin/python3")):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("python3") or "python3"


def _remove_stale_homes() -> None:
    """Profiles left by converters whose process was killed before it could remove them."""
    for home in Path(tempfile.gettempdir()).glob(f"{HOME_PREFIX}*"):
        match = re.fullmatch(rf"{HOME_PREFIX}(\d+)-\w+", home.name)
        if match and not _alive(int(match.group(1))):
            shutil.rmtree(home, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _not_started(kind: str, why: str) -> ConverterUnavailable:
    return ConverterUnavailable(
        f"无法读取{KINDS[kind]}文件：LibreOffice 启动失败（{why}），"
        "请检查 LibreOffice 安装是否完整后重试，或在 Word/WPS 中另存为 .docx。",
        "converter_failed",
    )


def _failure(kind: str, outcome: dict, timeout: float) -> UnreadableDocument:
    error = outcome.get("error")
    if error == "timeout":
        return UnreadableDocument(
            f"文件转换超时：LibreOffice 在 {timeout:g} 秒内没有转换完这个{KINDS[kind]}文件"
            "（文件可能异常），已重启转换程序，其他文件不受影响；"
            "可在 Word/WPS 中另存为 .docx 后重试。",
            "timeout",
        )
    if error == "not_text":
        return UnreadableDocument(
            f"这个文件不是文字文档：LibreOffice 把它当作表格、演示文稿或图形打开，"
            f"而不是{KINDS[kind]}文件。"
        )
    if error == "died":
        return UnreadableDocument(
            f"LibreOffice 在转换这个{KINDS[kind]}文件时意外退出（文件可能已损坏），"
            "已重启转换程序，其他文件不受影响；请在 Word/WPS 中打开检查，另存为 .docx 后重试。"
        )
    return UnreadableDocument(
        f"LibreOffice 无法打开这个{KINDS[kind]}文件（可能已损坏或设有密码），"
        "请在 Word/WPS 中打开检查，另存为 .docx 后重试。"
    )
