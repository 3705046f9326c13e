"""`nianbao` command line."""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import OPTIONS, Limits
from model.settings import OCR_MODES

from .console import document_line, print_line

if TYPE_CHECKING:  # rich and flows are imported when a command runs, not at start-up
    from rich.console import Console
    from rich.progress import Progress

    from flows.inputs import Job
    from flows.resume import Brief


def main(argv: list[str] | None = None) -> int:
    # A crash in a native library prints where it happened (unless stderr is not a real file).
    with contextlib.suppress(AttributeError, ValueError, OSError):
        faulthandler.enable()
    args = _parser().parse_args(argv)
    if args.command == "reprocess":
        return reprocess_command(args.doc, args.pages, args.dpi, args.ocr, args.source)
    if args.command == "review":
        from review.server import serve  # the page's server only when asked for

        return serve(args.out, args.host, args.port) or 0
    if args.command == "watch":
        from .watch import watch_command

        return watch_command(
            args.inbox, args.out, args.interval, max(1, args.workers), args.quiet, _limits(args)
        )
    return run_command(
        args.paths,
        args.out,
        args.workers,
        args.dask,
        force=args.force,
        one_report=args.one_report,
        limits=_limits(args),
    )


def _add_limits(command: argparse.ArgumentParser) -> None:
    """--max-pages, --timeout …: one option per field of model.limits.Limits."""
    group = command.add_argument_group(
        "limits per document", "a document over one is failed (too_large, timeout), alone"
    )
    for name, (option, words) in OPTIONS.items():
        default = getattr(DEFAULT_LIMITS, name)
        group.add_argument(
            option,
            dest=name,
            type=type(default),
            default=default,
            metavar="N",
            help=f"{words} (default: {default:g})",
        )


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(**{name: getattr(args, name) for name in OPTIONS})


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description=(
            "政府信息公开工作年度报告：把三张表格读成可核对的数据。"
            " Digitise the three tables of government information-disclosure annual reports."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for add in (_add_run, _add_watch, _add_review, _add_reprocess):
        add(commands)
    return parser


def _add_run(commands: argparse._SubParsersAction) -> None:
    run_cmd = commands.add_parser("run", help="process files and folders (walked recursively)")
    run_cmd.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    run_cmd.add_argument(
        "--out", type=Path, default=Path("output"), help="output folder (default: output)"
    )
    run_cmd.add_argument(
        "--workers", type=int, default=2, help="documents processed at once (default: 2)"
    )
    run_cmd.add_argument(
        "--one-report",
        type=Path,
        action="append",
        default=[],
        metavar="FOLDER",
        help="the image files in FOLDER are the pages of one report, in file "
        "name order (repeatable); otherwise each image is a document",
    )
    run_cmd.add_argument(
        "--force",
        action="store_true",
        help="process every document again, even those already done with the "
        "same content (by default they are skipped)",
    )
    run_cmd.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run the documents on the Dask cluster whose scheduler is at ADDRESS "
        "(e.g. tcp://head:8786) instead of here; --workers is then ignored",
    )

    _add_limits(run_cmd)


def _add_watch(commands: argparse._SubParsersAction) -> None:
    watch_cmd = commands.add_parser(
        "watch", help="process files as they arrive in a folder (Ctrl-C stops)"
    )
    watch_cmd.add_argument("inbox", type=Path, metavar="INBOX")
    watch_cmd.add_argument(
        "--out", type=Path, default=Path("output"), help="output folder (default: output)"
    )
    watch_cmd.add_argument(
        "--interval",
        type=float,
        default=5.0,
        help="seconds between looks at the folder (default: 5)",
    )
    watch_cmd.add_argument(
        "--quiet",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="a file is taken once its size and time have not changed for this long (default: 10)",
    )
    watch_cmd.add_argument(
        "--workers", type=int, default=2, help="documents processed at once (default: 2)"
    )

    _add_limits(watch_cmd)


def _add_review(commands: argparse._SubParsersAction) -> None:
    review_cmd = commands.add_parser("review", help="local web page to check and correct outputs")
    review_cmd.add_argument(
        "--out",
        type=Path,
        default=Path("output"),
        help="output folder of `nianbao run` (default: output)",
    )
    review_cmd.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    review_cmd.add_argument("--port", type=int, default=8765, help="port (default: 8765)")


def _add_reprocess(commands: argparse._SubParsersAction) -> None:
    again_cmd = commands.add_parser(
        "reprocess", help="read chosen scanned pages of one document again, with other settings"
    )
    again_cmd.add_argument(
        "doc",
        type=Path,
        metavar="DOC",
        help="the document's output folder, e.g. output/2023/report.pdf",
    )
    again_cmd.add_argument(
        "--pages",
        type=_page_list,
        metavar="3,4",
        help="pages to read again (default: every scanned page)",
    )
    again_cmd.add_argument(
        "--dpi", type=float, help="resolution to read them at (default: the scan's)"
    )
    again_cmd.add_argument(
        "--ocr",
        choices=OCR_MODES,
        default="cells",
        help="cells: recognise each cell (default); page: detect text on the whole page",
    )
    again_cmd.add_argument("--source", type=Path, help="the input file, if it has moved")


def _page_list(text: str) -> list[int]:
    try:
        pages = sorted({int(p) for p in text.split(",") if p.strip()})
    except ValueError:
        pages = []
    if not pages or pages[0] < 1:
        raise argparse.ArgumentTypeError(f"页码应写成 3,4 这样的正整数列表，而不是“{text}”")
    return pages


def run_command(
    paths: list[Path],
    out: Path,
    workers: int,
    dask: str | None = None,
    force: bool = False,
    one_report: list[Path] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> int:
    """Exit status: 0 every document read (some may need review), 1 some failed, 2 nothing
    could start (no input, OUT busy, no cluster), 3 the disk holding OUT is full."""
    from rich.console import Console

    from flows import batch, scale
    from flows.inputs import find_documents
    from outputs.atomic import DISK_FULL, is_disk_full
    from outputs.lock import OutputBusy, OutputLock
    from outputs.run_files import write_run_outputs

    console = Console(stderr=True)
    not_folders = [f for f in one_report if not f.is_dir()]
    if not_folders:
        console.print(f"--one-report 需要一个文件夹：{not_folders[0]}")
        return 2
    try:
        jobs = find_documents([*paths, *one_report], out, one_report)
        if not jobs:
            console.print("没有找到要处理的文件。 No files found.")
            for entry in jobs.skipped[:20]:  # why not, if there were entries
                line = f"  跳过 skipped: {entry.path}  {entry.reason} ({entry.code})"
                console.print(line, markup=False, highlight=False)  # names may hold [brackets]
            return 2
        lock = OutputLock(out)
    except (FileNotFoundError, OutputBusy) as e:
        console.print(str(e))
        return 2
    started = time.perf_counter()
    with lock, _progress(console) as progress:
        bar = progress.add_task("starting Prefect…", total=len(jobs))

        def done(job: Job, outcome: Brief) -> None:
            print_line(job, outcome)
            progress.update(bar, advance=1, description=job.doc_id[-40:])

        batch.on_document_done = done
        try:
            if dask:
                counts = scale.run(jobs, out, dask, force=force)
            else:
                counts = batch.run(jobs, out, max(1, workers), force=force, limits=limits)
        except scale.ClusterError as e:
            console.print(str(e))
            return 2
        finally:
            batch.on_document_done = None
        progress.update(bar, description="writing dataset.csv, dataset.parquet, summary.html…")
        try:
            write_run_outputs([j.doc_id for j in jobs], out, skipped=jobs.skipped)
        except OSError as e:
            if not is_disk_full(e):
                raise
            console.print(DISK_FULL)
            return DISK_FULL_EXIT
    elapsed = time.perf_counter() - started
    # Inputs skipped (links to nothing, pipes, …) are listed, not failures: exit 0 without them.
    left_out = f"; {len(jobs.skipped)} inputs skipped (see skipped.csv)" if jobs.skipped else ""
    print(
        f"{counts['processed'] + counts['skipped']} documents in {elapsed:.1f}s: "
        f"{batch.summary_counts(counts)}{left_out}. Outputs in {out}/"
    )
    return 1 if counts["failed"] else 0


DISK_FULL_EXIT = 3


def _progress(console: Console) -> Progress:
    """The progress bar. Each document's line is printed as it is done: on a terminal the bar
    stays below them; when stdout is a file or a pipe, the lines go there and the bar stays on
    stderr."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        redirect_stdout=sys.stdout.isatty(),
    )


def reprocess_command(
    doc_dir: Path, pages: list[int] | None, dpi: float | None, ocr: str, source: Path | None
) -> int:
    from flows.reprocess import CannotReprocess, reprocess
    from flows.resume import brief
    from outputs.lock import OutputBusy

    try:
        shown, report = reprocess(doc_dir, pages, dpi, ocr, source)
    except (CannotReprocess, OutputBusy) as e:
        print(e, file=sys.stderr)
        return 2
    print(document_line(shown, brief(report)))
    return 1 if report.status == "failed" else 0


if __name__ == "__main__":
    sys.exit(main())
