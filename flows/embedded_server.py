"""Prefect's embedded server dies with nianbao.

Prefect starts its embedded (ephemeral) API server as a child process and stops it when the
process that started it exits normally. Killed with -9 (what the kernel's OOM killer does),
nianbao cannot stop it, and the server lived on holding its port. So each server gets a
watchdog: a tiny process that waits for nianbao to be gone, then stops the server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

WATCHDOG = """
import os, signal, sys, time
parent, server = int(sys.argv[1]), int(sys.argv[2])
def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False
while alive(parent) and alive(server):
    time.sleep(1)
for sig in (signal.SIGTERM, signal.SIGKILL):
    if not alive(server):
        break
    os.kill(server, sig)
    time.sleep(5)
"""


def install() -> None:
    """Give every embedded server Prefect starts from now on a watchdog."""
    from prefect.server.api.server import SubprocessASGIServer

    start_server = SubprocessASGIServer._run_uvicorn_command
    if getattr(start_server, "watched", False):
        return

    def started_with_watchdog(self: SubprocessASGIServer) -> subprocess.Popen[Any]:
        server = start_server(self)
        subprocess.Popen(
            [sys.executable, "-c", WATCHDOG, str(os.getpid()), str(server.pid)],
            start_new_session=True,  # Ctrl-C in the terminal must not stop it before its server
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return server

    started_with_watchdog.watched = True  # type: ignore[attr-defined]
    SubprocessASGIServer._run_uvicorn_command = started_with_watchdog  # type: ignore[method-assign]
