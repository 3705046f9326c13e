"""What running on a Dask cluster costs per document, against a local run.

    .venv/bin/python bench/scale_out.py [--copies 100]

COPIES fast documents (the text and DOCX samples, copied under distinct names) are processed
1. by calling process_document in a loop (no orchestration);
2. through the Prefect flow here, one worker (after a first run that starts Prefect);
3. through `nianbao run --dask`'s code path (flows/scale.py) on a local Dask cluster of one
   worker process with one thread (after a first run that warms the worker up), then of two.
Per-document orchestration overhead = (flow time - loop time) / COPIES: task run creation and
state changes in Prefect, and for Dask, sending each task to a worker process and its result
back (here over local TCP; a real network adds its round trip). Both flow runs include writing
the dataset and summary.html at the end. Other processes on the machine slow all of it; the
load average is printed alongside.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows import batch, scale
from flows.document import process_document
from flows.inputs import Job, find_documents


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t0, result


def main() -> None:
    import cloudpickle
    import distributed

    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=100)
    args = parser.parse_args()
    samples = sorted((ROOT / "samples" / "text").glob("*.txt")) + sorted(
        (ROOT / "samples" / "docx").glob("*.docx")
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        inbox = tmp / "copies"
        inbox.mkdir()
        for i in range(args.copies):
            src = samples[i % len(samples)]
            shutil.copyfile(src, inbox / f"{i:05d}{src.suffix}")
        jobs = find_documents([inbox], tmp / "none")
        n = len(jobs)

        startup, _ = timed(batch.run, jobs[:1], tmp / "warm", 1)
        t0 = time.perf_counter()
        for job in jobs:
            process_document(job.path, tmp / "direct" / job.doc_id, job.doc_id)
        t_direct = time.perf_counter() - t0
        t_local, _ = timed(batch.run, jobs, tmp / "local", 1)

        rows = []
        for workers in (1, 2):
            t_cluster, cluster = timed(
                distributed.LocalCluster,
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            with cluster:
                address = cluster.scheduler_address
                t_check, _ = timed(scale.check_workers, address, [jobs[0].path], inbox)
                t_first, _ = timed(scale.run, jobs[:1], tmp / f"dask{workers}-warm", address)
                t_dask, results = timed(scale.run, jobs, tmp / f"dask{workers}", address)
                assert results["processed"] == n
            rows.append((workers, t_cluster, t_check, t_first, t_dask))

        sent = [Job(inbox / f"{i:06d}.docx", f"{i:06d}.docx") for i in range(10_000)]
        plain, not_shipped = (
            len(cloudpickle.dumps(sent)),
            len(cloudpickle.dumps(batch.JobList(sent))),
        )

    ms = lambda seconds: 1000 * seconds / n  # noqa: E731
    print(f"{n} documents (text and DOCX samples), load {load()}:")
    print(f"  process_document in a loop:        {t_direct:6.2f}s = {ms(t_direct):6.1f} ms/doc")
    print(
        f"  Prefect flow here, 1 worker:       {t_local:6.2f}s = {ms(t_local):6.1f} ms/doc, "
        f"overhead {ms(t_local - t_direct):5.1f} ms/doc (start-up before: {startup:.2f}s)"
    )
    for workers, t_cluster, t_check, t_first, t_dask in rows:
        label = f"Dask, {workers} worker process{'es' if workers > 1 else ''}:"
        print(
            f"  {label:34} {t_dask:6.2f}s = {ms(t_dask):6.1f} ms/doc, overhead "
            f"{ms(t_dask - t_direct):5.1f} ms/doc ({ms(t_dask - t_local):+5.1f} vs here)"
        )
        print(
            f"      fixed: cluster start {t_cluster:.2f}s, worker check {t_check:.2f}s, "
            f"first run of 1 document {t_first:.2f}s"
        )
    print(
        f"  flow parameters sent with each task, 10,000 jobs: {plain:,} bytes as a list, "
        f"{not_shipped:,} bytes as sent"
    )


if __name__ == "__main__":
    main()
