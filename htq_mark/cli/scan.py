"""The ``htq-mark scan`` command: find the mark in documents and report every misuse."""

from __future__ import annotations

import datetime
import math
import sys
from typing import TYPE_CHECKING, cast

import click

from ._errors import library_errors
from ._exit import ExitCode

if TYPE_CHECKING:
    from ..scanner import ScanReport
    from ..scanner.ocr import OcrMode

__all__ = ["COMMANDS", "exit_status", "scan_command"]

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def exit_status(report: ScanReport, fail_on: str) -> ExitCode:
    """3 if an input could not be read, else 1 if a finding reaches ``fail_on``, else 0."""
    if any(document.status == "error" for document in report.documents):
        return ExitCode.UNREADABLE
    if fail_on == "never":
        return ExitCode.OK
    threshold = _SEVERITY_RANK[fail_on]
    for document in report.documents:
        if any(_SEVERITY_RANK.get(f.severity, 9) <= threshold for f in document.findings):
            return ExitCode.FINDINGS
    return ExitCode.OK


class _Progress:
    """A one-line progress display on stderr, redrawn in place."""

    def __init__(self) -> None:
        self.width = 0

    def __call__(self, done: int, total: int, path: str) -> None:
        line = f"scanning {done}/{total}  {path}"
        if len(line) > 78:
            line = line[:37] + "..." + line[-38:]
        click.echo("\r" + line.ljust(self.width), nl=False, err=True)
        self.width = len(line)

    def close(self) -> None:
        if self.width:
            click.echo("\r" + " " * self.width + "\r", nl=False, err=True)


def _parse_limits(context: click.Context, parameter: click.Parameter, values: tuple[str, ...]) -> dict[str, float]:
    """``NAME=VALUE`` settings as numbers; the names are checked by :meth:`Limits.replace`."""
    settings: dict[str, float] = {}
    for text in values:
        name, _, value = text.partition("=")
        try:
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(value)
            settings[name.strip().replace("-", "_")] = int(number) if number.is_integer() else number
        except ValueError:
            raise click.BadParameter(f"{text!r} is not NAME=NUMBER, e.g. max_frames=500", context, parameter) from None
    return settings


@click.command("scan")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...",
                type=click.Path(exists=True, dir_okay=True, file_okay=True, path_type=str))
@click.option("--format", "report_format", type=click.Choice(["text", "json", "html", "sarif"]),
              default="text", show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Write the report to FILE instead of standard output.")
@click.option("--register", "register_path", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Register of approved HTQs (CSV or JSON); default $HTQ_MARK_REGISTER or the embedded example.")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Date to check entitlement on (default: today).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error", show_default=True,
              help="Exit 1 when a finding of this severity (or worse) is reported.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Documents scanned in parallel (default: the number of cores).")
@click.option("--password", default=None, help="Password for encrypted PDFs.")
@click.option("--kit", "kit_path", type=click.Path(file_okay=False, path_type=str), default=None, metavar="DIR",
              help="Kit folder to judge against (default: $HTQ_MARK_KIT or the bundled kit).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="S",
              help="Seconds allowed per document before it is stopped  [default: 120].")
@click.option("--max-pages", type=click.IntRange(min=1), default=None, metavar="N",
              help="Most pages a PDF may have  [default: 2000].")
@click.option("--max-pixels", type=click.IntRange(min=1), default=None, metavar="N",
              help="Most pixels of one image (or frame)  [default: 80000000].")
@click.option("--limit", "limit_settings", multiple=True, metavar="NAME=VALUE", callback=_parse_limits,
              help="Set any other per-document limit, e.g. --limit max_frames=500 (repeatable); "
                   "the names are those of htq_mark.scanner.Limits.")
@click.option("--ocr", type=click.Choice(["always", "auto", "never"]), default="auto", show_default=True,
              help="Read text in pictures for the qualification rules: in every image and page (always), "
                   "in images and pages without a text layer that show the mark (auto), or not at all.")
@click.option("--force", is_flag=True, help="Overwrite the -o file if it exists.")
def scan_command(paths: tuple[str, ...], report_format: str, output: str | None, register_path: str | None,
                 on: datetime.datetime | None, fail_on: str, jobs: int | None, password: str | None,
                 kit_path: str | None, timeout: float | None, max_pages: int | None, max_pixels: int | None,
                 limit_settings: dict[str, float], ocr: str, force: bool) -> None:
    """Find the quality mark in PDFs and images and report every misuse.

    PATH is a PDF, PNG, JPEG, WebP, TIFF, GIF or BMP file, or a folder searched
    recursively. The report goes to standard output (text by default) or to
    -o FILE. Exit status: 0 clean, 1 a finding reached --fail-on, 2 usage error,
    3 an input could not be read (wins over 1), 4 internal error.
    """
    from .. import reports
    from .._io import check_writable, write_atomic
    from ..kit import load_kit
    from ..register import configured_register
    from ..scanner import DEFAULT_LIMITS, scan

    with library_errors():
        if output is not None:
            check_writable(output, force=force)
        kit = load_kit(kit_path)
        register = configured_register(register_path)
        limits = DEFAULT_LIMITS.replace(**limit_settings).replace(
            max_seconds=timeout, max_pages=max_pages, max_pixels_per_page=max_pixels)
        progress = _Progress() if sys.stderr.isatty() else None
        try:
            report = scan(list(paths), register=register, on=on.date() if on else None, kit=kit, jobs=jobs,
                          password=password, limits=limits, progress=progress,
                          thumbnails=report_format == "html", ocr=cast("OcrMode", ocr))
        finally:
            if progress is not None:
                progress.close()
        data = reports.render_bytes(report, report_format)
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            write_atomic(output, data, force=force)
    for document in report.documents:
        if document.status == "error" and document.error is not None and output is not None:
            click.echo(f"htq-mark: {document.error.message}", err=True)
    status = exit_status(report, fail_on)
    if status != ExitCode.OK:
        sys.exit(int(status))


COMMANDS: list[click.Command] = [scan_command]
