"""`nianbao` command line."""
from __future__ import annotations

import argparse
import faulthandler
import sys
import time
from pathlib import Path

from . import settings  # noqa: F401  (must precede prefect)

STATUS_MARK = {"ok": "ok          ", "needs_review": "needs_review", "failed": "FAILED      "}


def main(argv: list[str] | None = None) -> int:
    faulthandler.enable()  # a crash in a native library prints where it happened
    parser = argparse.ArgumentParser(prog="nianbao", description=(
        "政府信息公开工作年度报告：把三张表格读成可核对的数据。"
        " Digitise the three tables of government information-disclosure annual reports."))
    commands = parser.add_subparsers(dest="command", required=True)
    run_cmd = commands.add_parser("run", help="process files and folders (walked recursively)")
    run_cmd.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    run_cmd.add_argument("--out", type=Path, default=Path("output"),
                         help="output folder (default: output)")
    run_cmd.add_argument("--workers", type=int, default=2,
                         help="documents processed at once (default: 2)")
    review_cmd = commands.add_parser("review", help="local web page to check and correct outputs")
    review_cmd.add_argument("--out", type=Path, default=Path("output"),
                            help="output folder of `nianbao run` (default: output)")
    review_cmd.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    review_cmd.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    args = parser.parse_args(argv)
    if args.command == "review":
        from review.server import serve
        return serve(args.out, args.host, args.port) or 0
    return run_command(args.paths, args.out, args.workers)


def run_command(paths: list[Path], out: Path, workers: int) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import batch
    from .inputs import find_documents

    console = Console(stderr=True)
    try:
        jobs = find_documents(paths, out)
    except FileNotFoundError as e:
        console.print(str(e))
        return 2
    if not jobs:
        console.print("没有找到要处理的文件。 No files found.")
        return 2
    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        bar = progress.add_task("starting Prefect…", total=len(jobs))

        def done(job, report):
            progress.update(bar, advance=1, description=job.doc_id[-40:])
        batch.on_document_done = done
        try:
            results = batch.run(jobs, out, max(1, workers))
        finally:
            batch.on_document_done = None
    elapsed = time.perf_counter() - started
    for job, report in results:
        print(f"{STATUS_MARK[report['status']]}  {job.doc_id}  {_describe(report)}")
    counts = {s: sum(r["status"] == s for _, r in results) for s in STATUS_MARK}
    print(f"{len(results)} documents in {elapsed:.1f}s: {counts['ok']} ok, "
          f"{counts['needs_review']} need review, {counts['failed']} failed. Outputs in {out}/")
    return 1 if counts["failed"] else 0


def _describe(report: dict) -> str:
    if report["status"] == "failed":
        return report["error"]
    summary = report["summary"]
    parts = [f"{report['agency'] or '(机关未识别)'} {report['year'] or ''}".strip()]
    if summary["source_errors"]:
        parts.append(f"{summary['source_errors']} 处原表数据不一致")
    if summary["failed_checks"] - summary["source_errors"]:
        parts.append(f"{summary['failed_checks'] - summary['source_errors']} 处核对未通过")
    if summary["unsure_cells"]:
        parts.append(f"{summary['unsure_cells']} 个单元格需复核")
    return "；".join(parts)


if __name__ == "__main__":
    sys.exit(main())
