"""Scale-out: the same flow, with its document tasks run on a Dask cluster (prefect-dask).

The flow itself (listing, progress, dataset.csv/parquet) runs where `nianbao run` is started;
each `document` task runs on a Dask worker, which may be another machine. So:

- Every worker needs nianbao installed (the same version), and must see the inputs and the output
  folder at the same absolute paths (shared storage), since tasks are handed absolute paths.
- Every worker reports its task runs to the flow's Prefect API. With PREFECT_API_URL set (a
  self-hosted `prefect server start`), that is the server. Without it, it is the embedded
  server started here, which listens on 127.0.0.1 only: fine for workers on this machine,
  unreachable from others. Without a shared URL each Dask worker would start an embedded
  server of its own (seconds each, and task runs scattered), so one URL is always handed over.

Before any document is submitted, every worker is asked whether it can see the inputs and the
output folder and reach the API, so a misconfigured cluster fails at once with a plain message.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from prefect.context import SettingsContext, serialize_context
from prefect.settings import PREFECT_API_URL, temporary_settings

from . import batch
from .inputs import Job

CONNECT_TIMEOUT = "30s"


class ClusterError(RuntimeError):
    """The Dask cluster cannot run this job; the message says why in plain words."""


def run(jobs: list[Job], out: Path, address: str, force: bool = False) -> Counter:
    """Run the flow with its document tasks on the Dask scheduler at `address`."""
    from prefect_dask import DaskTaskRunner

    # Absolute paths, so that a worker with another working directory finds the same files.
    jobs = [Job(job.path.resolve(), job.doc_id) for job in jobs]
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    _check_picklable()
    _connect(address).close()  # fail fast, before starting an embedded Prefect server
    with _shared_api() as api_url:
        workers = check_workers(address, [j.path for j in jobs[:1] + jobs[-1:]], out)
        threads = sum(workers.values())
        print(
            f"Dask cluster {address}: {len(workers)} workers, {threads} threads; "
            f"Prefect API {api_url}",
            file=sys.stderr,
        )
        return batch.run_in_parts(
            jobs,
            out,
            DaskTaskRunner(address=address),
            batch.WINDOW_PER_WORKER * threads,
            force=force,
        )


def _check_picklable() -> None:
    """The flow and its task go to the workers pickled, functions by value with the module
    globals they name: fail here, plainly, if one of those cannot be pickled."""
    import cloudpickle

    for obj in (batch.run_documents, batch.document_task):
        try:
            cloudpickle.dumps(obj)
        except Exception as e:
            raise ClusterError(
                f"{obj.name} cannot be sent to Dask workers ({type(e).__name__}: "
                f"{e}): a module global it names cannot be pickled; reach it "
                "through a function instead (see flows/batch.py)"
            ) from e


@contextmanager
def _shared_api():
    """The Prefect API every process of the run reports to: PREFECT_API_URL if set, or else
    the embedded server, started here and named in the settings handed to the workers."""
    if PREFECT_API_URL.value():
        yield PREFECT_API_URL.value()
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the one the flow would start; stopped at exit
    server.start()
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield server.api_url


def _connect(address: str):
    """A Dask client of the scheduler at `address`, which has workers; or ClusterError."""
    import distributed

    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as e:
        raise ClusterError(
            f"无法连接 Dask 调度器 {address}。 Cannot reach the Dask scheduler at {address}: {e}"
        ) from e
    if not client.scheduler_info(n_workers=-1)["workers"]:
        client.close()
        raise ClusterError(
            f"Dask 调度器 {address} 上没有 worker。 No Dask workers are connected "
            f"to {address}: start `dask worker {address}` on each machine."
        )
    return client


def check_workers(address: str, inputs: list[Path], out: Path) -> dict[str, int]:
    """Ask every worker of the cluster at `address` whether it can do the job.
    Returns {worker address: threads}; raises ClusterError with what is wrong."""
    with _connect(address) as client:
        workers = {
            a: w["nthreads"] for a, w in client.scheduler_info(n_workers=-1)["workers"].items()
        }
        context = serialize_context()["settings_context"]
        try:
            answers = client.run(_worker_problems, [str(p) for p in inputs], str(out), context)
        except Exception as e:  # typically: the worker cannot import flows.scale
            raise ClusterError(
                f"Dask worker 无法运行 nianbao。 A Dask worker cannot run nianbao "
                f"({type(e).__name__}: {e}); install it on every machine."
            ) from e
    problems = [f"{worker}: {problem}" for worker, problem in sorted(answers.items()) if problem]
    if problems:
        raise ClusterError(
            "Dask worker 配置有误。 Some Dask workers cannot do the job:\n  "
            + "\n  ".join(problems)
        )
    return workers


def _worker_problems(inputs: list[str], out: str, settings_context: dict) -> str | None:
    """Run on each worker: what would stop it from processing a document, or None."""
    from prefect.client.orchestration import get_client

    for path in inputs:
        if not os.path.isfile(path):
            return f"cannot see input {path} (inputs must be on storage every machine sees)"
    if not (os.path.isdir(out) and os.access(out, os.W_OK)):
        return f"cannot write to {out} (the output folder must be on storage every machine sees)"
    with SettingsContext(**settings_context):
        url = PREFECT_API_URL.value()
        with get_client(sync_client=True) as client:
            error = client.api_healthcheck()
    if error:
        return (
            f"cannot reach the Prefect API at {url} ({type(error).__name__}); "
            "set PREFECT_API_URL to a Prefect server every machine can reach"
        )
    return None
