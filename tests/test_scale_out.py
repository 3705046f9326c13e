"""Scale-out: `nianbao run --dask ADDRESS` on a local two-worker Dask cluster writes the same
bytes as a local run, and the document tasks really ran on the cluster's worker processes."""

import os
import shutil
import signal
import subprocess
import sys

import distributed  # a dependency (pyproject): the test must fail, not skip, without it
import pytest
from helpers import ROOT, SAMPLES

from outputs.layout import INDEX_DIR

pytestmark = pytest.mark.slow  # a local Dask cluster and a Prefect server


def tree(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and INDEX_DIR not in p.parts  # the index is a cache (outputs/index.py)
    }


def nianbao(cwd, env, *args):
    """Run the CLI in a process group of its own, so that on a timeout its embedded Prefect
    server goes too."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", *map(str, args)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def processes_with_env(marker: str) -> list[int]:
    """Processes whose environment holds `marker` (Linux): what the CLI runs left behind."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def embedded_servers():
    """Run on a Dask worker: the embedded Prefect servers this worker process started itself."""
    from prefect.server.api.server import SubprocessASGIServer

    return [s.api_url for s in SubprocessASGIServer._instances.values() if s.running]


@pytest.fixture
def prefect_api(prefect_api_url):
    """A Prefect server both runs report to, as on a real cluster (PREFECT_API_URL): the test
    process's (conftest.py), one start-up instead of one per run."""
    return prefect_api_url


def task_runs_of_run_into(api_url: str, out) -> list:
    """The task runs of the flow run that wrote to `out`, read from the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowRunFilter
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with (
        temporary_settings(updates={PREFECT_API_URL: api_url}),
        get_client(sync_client=True) as client,
    ):
        runs = [
            r
            for r in client.read_flow_runs(
                flow_filter=FlowFilter(name={"any_": ["nianbao-run"]}),
                sort=FlowRunSort.START_TIME_DESC,
                limit=10,
            )
            if r.parameters.get("out") == str(out)
        ]
        assert len(runs) == 1
        return client.read_task_runs(flow_run_filter=FlowRunFilter(id={"any_": [runs[0].id]}))


@pytest.fixture
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        pids = client.run(os.getpid)
        yield cluster, client
    assert not [pid for pid in pids.values() if alive(pid)], "Dask workers left running"


def test_dask_run_writes_what_a_local_run_writes(tmp_path, cluster, prefect_api):
    cluster, client = cluster
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES / "text", inbox / "text")
    shutil.copytree(SAMPLES / "docx", inbox / "docx")
    (inbox / "empty.pdf").write_bytes(b"")  # a failed document goes through the cluster too
    # Relative paths, run from a folder that is not the workers' working directory: the tasks
    # must be handed absolute paths.
    assert os.getcwd() != str(tmp_path)
    marker = f"nianbao-scale-out-{os.getpid()}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NIANBAO_TEST_MARKER": marker}
    env["PREFECT_API_URL"] = prefect_api

    local = nianbao(tmp_path, env, "run", "inbox", "--out", "local")
    assert local.returncode == 1, local.stderr  # empty.pdf failed; the ten samples did not
    assert "11 documents" in local.stdout.splitlines()[-1]

    with distributed.get_task_stream(client=client) as stream:
        dask = nianbao(
            tmp_path, env, "run", "inbox", "--out", "dask", "--dask", cluster.scheduler_address
        )
    assert dask.returncode == 1, dask.stderr
    assert f"Dask cluster {cluster.scheduler_address}: 2 workers, 2 threads" in dask.stderr
    assert sorted(dask.stdout.splitlines()[:-1]) == sorted(local.stdout.splitlines()[:-1])

    # The same files, byte for byte: report.json, the CSVs, documents.csv, dataset.csv/.parquet/.
    local_files, dask_files = tree(tmp_path / "local"), tree(tmp_path / "dask")
    assert len([f for f in local_files if f.endswith("report.json")]) == 11
    assert {
        "documents.csv",
        "dataset.csv",
        "series.csv",
        "docx/000_de4a6e6b343917dd.docx/applications.csv",
    } <= set(local_files)
    assert sorted(dask_files) == sorted(local_files)
    assert [f for f in local_files if dask_files[f] != local_files[f]] == []
    assert not (ROOT / "dask").exists() and not (ROOT / "inbox").exists()

    # The documents ran on the cluster, on both of its worker processes...
    documents = [t for t in stream.data if t["key"].startswith("document_task-")]
    assert len(documents) == 11
    assert {t["worker"] for t in documents} == set(cluster.scheduler_info["workers"])
    # ...and reported to the run's Prefect API rather than starting one each.
    assert client.run(embedded_servers) == {w: [] for w in cluster.scheduler_info["workers"]}
    task_runs = task_runs_of_run_into(prefect_api, tmp_path / "dask")
    assert sorted(t.name for t in task_runs) == sorted(
        p.parent.relative_to(tmp_path / "dask").as_posix()
        for p in (tmp_path / "dask").rglob("report.json")
    )
    assert {t.state.type.value for t in task_runs} == {"COMPLETED"}

    assert processes_with_env(marker) == [], "the CLI left processes running"


def test_a_cluster_without_workers_is_refused(tmp_path):
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=None) as empty:
        result = nianbao(
            ROOT,
            {**os.environ, "PYTHONPATH": str(ROOT)},
            "run",
            SAMPLES / "text",
            "--out",
            tmp_path / "out",
            "--dask",
            empty.scheduler_address,
        )
    assert result.returncode == 2
    assert "No Dask workers" in result.stderr
    assert not list((tmp_path / "out").rglob("report.json"))
