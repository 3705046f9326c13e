"""The Prefect flow: one task per document, run concurrently, then the run's dataset."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import settings  # noqa: F401  (must precede prefect)
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from canonical.writers import write_dataset

from .document import process_document
from .inputs import Job

# Called with (job, report) as each document finishes; the CLI draws its progress bar with it.
# Not a flow parameter: Prefect validates and records parameters, and a callback is neither.
on_document_done: Callable[[Job, dict], None] | None = None


@task(name="document", cache_policy=NO_CACHE, task_run_name="{doc_id}")
def document_task(path: str, doc_id: str, out: str) -> dict:
    return process_document(Path(path), Path(out) / doc_id, doc_id)


@flow(name="nianbao-run", validate_parameters=False)
def run_documents(jobs: list[Job], out: str) -> list[tuple[Job, dict]]:
    futures = {document_task.submit(str(j.path), j.doc_id, out): j for j in jobs}
    results = []
    for future in as_completed(list(futures)):
        job, report = futures[future], future.result()
        results.append((job, report))
        if on_document_done:
            on_document_done(job, report)
    write_dataset([(job.doc_id, report) for job, report in results], Path(out))
    return sorted(results, key=lambda r: r[0].doc_id)


def run(jobs: list[Job], out: Path, workers: int) -> list[tuple[Job, dict]]:
    runner = ThreadPoolTaskRunner(max_workers=workers)
    return run_documents.with_options(task_runner=runner)(jobs, str(out))
