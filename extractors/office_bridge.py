"""The LibreOffice end of extractors/office.py: run by LibreOffice's own Python, never imported.

    PYTHON_WITH_UNO office_bridge.py SOFFICE PROFILE_URL

LibreOffice's UNO bindings (`uno`, Debian's python3-uno) are built for LibreOffice's Python
(/usr/bin/python3 on Debian, `program/python` in LibreOffice's own builds), which need not be
nianbao's. So this script uses only the standard library and `uno`, and speaks JSON lines:

- it starts `soffice` headless, with the profile PROFILE_URL and a private pipe, in a process
  group of its own, and writes {"started": PID}, then {"ready": true} once connected;
- then, for each line {"source": PATH, "target": PATH} read on stdin, it saves the document at
  PATH as DOCX at `target` and writes {"ok": true} or {"error": CODE, "detail": TEXT};
- when stdin closes (its owner exited, or was killed), it kills LibreOffice, removes the
  profile and exits. A reader thread watches stdin, so this holds during a conversion too.

Errors: "no_uno" (no UNO bindings in this Python), "no_start" (soffice exited or did not accept
connections), "unreadable" (LibreOffice could not open the file), "not_text" (it opened, but not
as a text document), "died" (LibreOffice went away during the conversion).
"""

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse
from urllib.request import url2pathname

CONNECT_TIMEOUT = 120.0  # seconds; the caller has its own, shorter one
DOCX_FILTER = "MS Word 2007 XML"


# Replies go to a copy of stdout; stdout itself is pointed at stderr, so that nothing a library
# prints can be taken for a reply.
REPLIES = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)


def reply(**message):
    REPLIES.write(json.dumps(message) + "\n")
    REPLIES.flush()


def main():
    soffice, profile_url = sys.argv[1], sys.argv[2]
    try:
        import uno
    except ImportError as e:
        reply(error="no_uno", detail=str(e))
        return
    pipe = f"nianbao-{os.getpid()}"
    office = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation={profile_url}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=os.setpgrp,  # a group of its own, helpers too: one killpg ends them all
    )
    reply(started=office.pid)
    requests = queue.Queue()
    threading.Thread(
        target=_read_requests, args=(requests, office, profile_url), daemon=True
    ).start()
    desktop = _connect(uno, pipe, office)
    if desktop is None:
        reply(error="no_start", detail=f"soffice exit status {office.poll()}")
        _shut_down(office, profile_url)
        return
    reply(ready=True)
    while True:
        request = requests.get()
        reply(**_convert(uno, desktop, request["source"], request["target"], office))


def _read_requests(requests, office, profile_url):
    for line in sys.stdin:
        requests.put(json.loads(line))
    _shut_down(office, profile_url)


def _shut_down(office, profile_url):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(office.pid, signal.SIGKILL)
    office.wait()
    shutil.rmtree(url2pathname(urlparse(profile_url).path), ignore_errors=True)
    os._exit(0)


def _connect(uno, pipe, office):
    context = uno.getComponentContext()
    resolver = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", context
    )
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while time.monotonic() < deadline and office.poll() is None:
        try:
            remote = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # NoConnectException until soffice listens
            time.sleep(0.1)
            continue
        return remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
    return None


def _convert(uno, desktop, source, target, office):
    # Never run a macro, never update links (nothing fetched), never touch the file.
    load = _props(uno, Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0)
    try:
        document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, load)
    except Exception as e:
        return _failure(office, "unreadable", e)
    if document is None:
        return {"error": "unreadable", "detail": "loadComponentFromURL returned nothing"}
    try:
        if not document.supportsService("com.sun.star.text.TextDocument"):
            return {"error": "not_text", "detail": ", ".join(document.getSupportedServiceNames())}
        document.storeToURL(uno.systemPathToFileUrl(target), _props(uno, FilterName=DOCX_FILTER))
    except Exception as e:
        return _failure(office, "unreadable", e)
    finally:
        with contextlib.suppress(Exception):
            document.close(True)
    return {"ok": True}


def _failure(office, code, error):
    if office.poll() is not None:
        return {"error": "died", "detail": f"soffice exit status {office.poll()}"}
    return {"error": code, "detail": f"{type(error).__name__}: {error}"}


def _props(uno, **values):
    return tuple(
        uno.createUnoStruct("com.sun.star.beans.PropertyValue", k, 0, v, 0)
        for k, v in values.items()
    )


if __name__ == "__main__":
    main()
