"""The ``htq-mark scan`` command: find the mark in documents and report every misuse."""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import sys
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import IO, Any, cast

import click

from .. import reports, scanner
from .._catalogue import FAIL_ON_CHOICES
from .._config import Config, load_config
from .._io import Content, check_writable, file_identity, path_of_descriptor, save_elsewhere, write_or_fall_back
from .._resolve import resolve_kit, resolve_register
from ..kit import Kit
from ..register import configured_register_file
from ..errors import UsageError
from ..reports import FORMATS, ReportWriter
from ..scanner import DEFAULT_LIMITS, ScanReport, ScanStream
from ..scanner._baseline import (BaselinePaths, fingerprints, suppress_known, unmatched_baseline_warning,
                                 unsuppressed, unsuppressed_document)
from ..scanner._executors import DaskExecutor, open_executor
from ..scanner._failures import INTERNAL_ERROR
from ..scanner._inputs import DEFAULT_EXCLUDE
from ..scanner._ocr import OcrMode
from ..scanner._results import NOTE_CODES, fail_on_threshold
from ..scanner._selection import RuleSelection
from ..scanner._sniff import HEAD_BYTES, readable_kinds
from ..scanner._streams import check_streams, is_stream
from ..scanner._urls import is_url, local_path
from ..web import CrawlOptions, WebOptions, read_url_list
from ._given import non_empty
from ._config import NOT_GIVEN, on_command_line, with_config
from ._day import DAY
from ._errors import fail, library_errors
from ._exit import ExitCode
from ._flags import document_with_flags, with_flags
from ._terminal import say, standard_output, visible, write_standard_output

__all__ = ["COMMANDS", "exit_status", "scan_command"]

STANDARD_STREAM = "-"  # as a file name: standard input or output

def exit_status(report: ScanReport, fail_on: str | Collection[str]) -> ExitCode:
    """4 if htq-mark failed on a document (a bug), else 3 if an input could not be read, else 1 if a
    finding or note reaches ``fail_on``, else 0.

    ``fail_on`` holds a severity (``error``, ``warning``, ``info``: that or worse fails; ``never``) and any
    note codes (such as ``structure-unreadable``) that fail whatever their severity.
    """
    if any(document.error is not None and document.error.code == INTERNAL_ERROR for document in report.documents):
        return ExitCode.INTERNAL
    if any(document.status == "error" for document in report.documents):
        return ExitCode.UNREADABLE
    return ExitCode.FINDINGS if report.fails_on(fail_on) else ExitCode.OK


class _Progress:
    """A one-line progress display on stderr, redrawn in place."""

    def __init__(self) -> None:
        self.width = 0

    def __call__(self, done: int, total: int, path: str) -> None:
        line = f"scanning {done}/{total}  {visible(path)}"
        if len(line) > 78:
            line = line[:37] + "..." + line[-38:]
        click.echo("\r" + line.ljust(self.width), nl=False, err=True)
        self.width = len(line)

    def close(self) -> None:
        if self.width:
            click.echo("\r" + " " * self.width + "\r", nl=False, err=True)


#: Config settings that only web scans read: a file holding one of them was written for crawls.
_WEB_SETTINGS = frozenset({"url_list", "sitemaps", "follow", "include", "max_depth", "delay", "allow_private"})


def _check_max_pages(context: click.Context, options: Mapping[str, Any], config: Config) -> None:
    """Refuse --max-pages where nothing is crawled: in 0.1 it was the page limit of a PDF.

    On the command line it is refused outright; in a config file only when the file has no web
    setting (a file written for crawls may be shared with plain scans).
    """
    if options["max_pages"] is None or options["follow"] or options["sitemaps"]:
        return
    fix = ("it caps the web pages a crawl or sitemap scans, and this scan has neither --crawl nor --sitemap; "
           "for the most pages of one PDF use --max-document-pages N (max-document-pages in a config file).")
    if context.get_parameter_source("max_pages") not in NOT_GIVEN:
        raise click.UsageError(f"--max-pages: {fix}")
    if not _WEB_SETTINGS & set(config.values):
        raise click.UsageError(f"{config.path}: max-pages: {fix}")


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


def _split_rules(context: click.Context, parameter: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """``RULE,RULE`` (repeatable) as one tuple of rule names; one given empty is refused (``--select ""`` would
    otherwise select every rule)."""
    if any(not text.replace(",", "").strip() for text in values):
        example = "no-qualification=error" if parameter.name == "severities" else "too-small,clear-space"
        raise click.BadParameter(f"names no rule (an unset shell variable?); give such as {example} (htq-mark "
                                 "rules lists the rules), or leave the option out.", context, parameter)
    return tuple(part.strip() for text in values for part in text.split(",") if part.strip())


def _parse_severities(context: click.Context, parameter: click.Parameter,
                      values: tuple[str, ...]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for text in _split_rules(context, parameter, values):
        rule, separator, level = text.partition("=")
        if not separator or not rule.strip() or not level.strip():
            raise click.BadParameter(f"{text!r} is not RULE=LEVEL, e.g. no-qualification=error", context, parameter)
        settings[rule.strip()] = level.strip()
    return settings


def _non_empty_globs(context: click.Context, parameter: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    if any(not value for value in values):
        raise click.BadParameter("an empty GLOB excludes nothing (an unset shell variable?); give a pattern such as "
                                 "'drafts/' or '*/private/*'.", context, parameter)
    return values


class _PathOrUrl(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A file or folder, - for standard input, an http(s) address (a web page), or another URL
    (``s3://``, ``file://``...) read where documents are scanned.

    A path that does not exist is not refused here: the scan reports it as a document it
    could not read (exit status 3) and goes on with the others, as it does for any bad file.
    An empty one is (an unset shell variable), rather than read as the current folder.
    """

    name = "path_or_url"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if value == "":
            self.fail("an empty PATH names no file (an unset shell variable?); give a file, a folder, - or a URL.",
                      param, ctx)
        if isinstance(value, str) and is_url(value):
            return value
        # Not checked for reading here: a file that cannot be read is one unreadable document, and the batch goes on.
        checked = click.Path(dir_okay=True, file_okay=True, readable=False, allow_dash=True, path_type=str)
        return str(checked.convert(value, param, ctx))  # type: ignore[arg-type]


def _refuse_an_input(target: str, what: str, paths: tuple[str, ...], read: Collection[str], kit: Kit, *,
                     label: str | None = None) -> None:
    """Refuse to write the ``what`` (report, baseline) over a file being scanned or read (even with --force).

    That is a file given (standard input's included, and a file:// URL's), a document
    (by its first bytes) inside a folder given, one of the files ``read`` (the register,
    baseline, config file or URL list), or one of the kit's files (its spec and artwork). Others a scan
    turns out to read, through links or as documents of unknown kind, are found as
    they are scanned (:class:`_ScannedOutputs`). ``label`` names the target in the
    message (default: its path).
    """
    identity = file_identity(target)
    label = visible(target) if label is None else label
    if identity is None:
        # Not there yet: still refused if it is a path given to scan (which is then reported missing).
        if not os.path.exists(target) and any(not is_url(given) and given != "-"
                                              and os.path.abspath(given) == os.path.abspath(target)
                                              for given in paths):
            raise UsageError(f"{label} is one of the paths given to scan; write the {what} elsewhere.")
        return
    resolved = Path(target).resolve()
    for given in paths:
        try:
            same = _input_identity(given) == identity
            inside = os.path.isdir(given) and resolved.is_relative_to(Path(given).resolve()) and _is_document(target)
        except OSError:
            same = inside = False
        if same or inside:
            raise UsageError(f"{label} is one of the files to scan; write the {what} elsewhere.")
    if any(file_identity(path) == identity for path in read):
        raise UsageError(f"{label} is a file this scan reads (its register, baseline, config file "
                         f"or URL list); write the {what} elsewhere.")
    if any(file_identity(path) == identity for path in kit.source_files):
        raise UsageError(f"{label} is one of the kit's files; write the {what} elsewhere.")


def _input_identity(path: str) -> tuple[int, int] | None:
    """The (device, inode) of the file an input names (``-``: standard input; a file:// URL: its file)."""
    if path == "-":
        return file_identity(0)
    if is_url(path):
        local = local_path(path)
        return None if local is None else file_identity(local)
    return file_identity(path)


class _ScannedOutputs:
    """Which of the outputs (the files there before the scan) turn out to be documents scanned."""

    def __init__(self, outputs: Collection[str | None]) -> None:
        self._outputs = {identity: target for target in outputs
                         if target is not None and (identity := file_identity(target)) is not None}
        self.found: set[str] = set()

    def add(self, path: str) -> None:
        """Note the document at ``path``, scanned."""
        if self._outputs:
            target = self._outputs.get(_input_identity(path))  # type: ignore[arg-type]
            if target is not None:
                self.found.add(target)


def _is_document(path: str) -> bool:
    with open(path, "rb") as handle:
        return readable_kinds(handle.read(HEAD_BYTES)) != ("unknown",)


def _scan_into(writer: ReportWriter, baseline_writer: ReportWriter | None, baseline: ScanReport | None,
               progress: _Progress | None, quiet: bool, options: dict[str, Any], inputs: list[str],
               scanned: _ScannedOutputs, **settings: Any) -> ScanStream:
    """Scan on the executor the options choose, adding each document to the writers as it comes.

    ``baseline``'s findings are suppressed in each document; ``baseline_writer`` gets
    each with every finding counted (the next baseline). Returns the finished stream.
    """
    known = fingerprints(baseline) if baseline is not None else None
    named = BaselinePaths.of(baseline) if baseline is not None else None
    unnamed = named is not None and bool(named.by_name)  # until a document the baseline names is scanned
    respelt: tuple[str, str] | None = None  # a baseline's path and a document it may name, given otherwise
    found = False  # whether any finding is left to report
    with open_executor(options["executor_name"], scheduler=options["scheduler"], jobs=options["jobs"],
                       quiet="HTQ_MARK_DEBUG" not in os.environ) as (executor, dashboard):
        if dashboard is not None and not quiet:
            click.echo(f"htq-mark: Dask dashboard: {dashboard}", err=True)
        if not quiet and isinstance(executor, DaskExecutor) and executor.workers() == 0:
            click.echo("htq-mark: the Dask scheduler has no workers yet; the scan starts when some join "
                       "(Ctrl-C stops it).", err=True)
        try:
            with scanner.scan_iter(inputs, executor=executor, progress=progress, **settings) as stream:
                for document in stream:
                    scanned.add(document.path)
                    document = document_with_flags(document)  # messages name settings as flags
                    if known is not None:
                        document = suppress_known(document, known)
                        if unnamed and named is not None:
                            unnamed = not named.names(document.path)
                            respelling = named.respelling(document.path, document.sha256)
                            if unnamed and respelt is None and respelling is not None:
                                respelt = (respelling, document.path)
                        found = found or bool(document.findings)
                    writer.add(document)
                    if baseline_writer is not None:
                        baseline_writer.add(unsuppressed_document(document))
        finally:
            if progress is not None:
                progress.close()
    # Documents new since the baseline (a pre-commit hook scanning an added file) are not named either: only a
    # document that looks like one of the baseline's, given otherwise, says the paths were given otherwise.
    if unnamed and respelt is not None and found and not quiet:
        say(f"htq-mark: warning: {unmatched_baseline_warning(*respelt)}", err=True)
    return stream


def _write_output(target: str, content: Content, what: str, *, suffix: str, force: bool,
                  scanned: _ScannedOutputs) -> str | None:
    """Write an output; if it cannot be (or it turned out to be a document scanned), save it in the
    temporary folder instead and return what to tell the user."""
    if target in scanned.found:
        return _saved_instead(visible(target), content, what, suffix=suffix)
    written, problem = write_or_fall_back(target, content, force=force, suffix=suffix)
    return None if problem is None else f"{with_flags(str(problem))} The {what} was saved to {written} instead."


def _saved_instead(label: str, content: Content, what: str, *, suffix: str) -> str:
    """Save an output whose file (``label``: -o's, or standard output's) turned out to be a document scanned in
    the temporary folder instead; return what to tell the user."""
    place = save_elsewhere(content, suffix)
    return f"{label} is one of the files scanned; the {what} was saved to {place} instead."


def _to_stdout(content: Callable[[IO[bytes]], None], what: str, instead: str) -> None:
    """Write the ``what`` (report, baseline) to standard output, or fail saying to write it with ``instead``."""
    write_standard_output(content, f"the {what}", f"write it to a file with {instead}")


def _load_baseline(path: str, paths: Collection[str]) -> ScanReport:
    """The baseline report at ``path``; ``-`` reads it from standard input (unless a document does)."""
    if path != STANDARD_STREAM:
        return reports.load_report(path, name=f"{path} (the baseline)")
    if any(is_stream(document) for document in paths):
        check_streams([*paths, STANDARD_STREAM])  # standard input given twice: refused, saying so
    if sys.stdin is None or sys.stdin.isatty():
        raise click.UsageError("--baseline - reads the baseline report from standard input, which is "
                               f"{'closed' if sys.stdin is None else 'a terminal'}; pipe the report in, or give "
                               "it as a file.")
    return reports.load_report(sys.stdin.buffer, name="standard input (--baseline -)")


def _recorded_path(path: str) -> str:
    """``path`` as the report records it: absolute, or ``-`` for standard input."""
    return path if path == STANDARD_STREAM else os.path.abspath(path)


@click.command("scan")
@click.argument("paths", nargs=-1, required=False, metavar="PATH|URL...", type=_PathOrUrl())
@click.option("--format", "report_format", type=click.Choice(FORMATS),
              default=None, help="Report format  [default: from -o's suffix, else text].")
@click.option("-o", "--output", callback=non_empty("a report file such as report.json"),
              type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Write the report to FILE instead of standard output (- is standard output; "
                   "report.sarif is SARIF, and so on).")
@click.option("--register", "register_path", callback=non_empty("a register file"),
              type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Register of approved HTQs (CSV or JSON); default $HTQ_MARK_REGISTER or the embedded example.")
@click.option("--date", "on", type=DAY, default=None, metavar="YYYY-MM-DD",
              help="Date to check entitlement on (default: today).")
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), multiple=True,
              default=("error",), show_default=True,
              help="Exit 1 when a finding of this severity (or worse) is reported; warning also counts "
                   "warning notes, info every note. A note code (e.g. structure-unreadable) fails on that "
                   "note as well (and on errors, unless a severity or never is given). Repeatable.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Documents scanned in parallel (default: the number of cores).")
@click.option("--password", default=None, help="Password for encrypted PDFs.")
@click.option("--kit", "kit_path", callback=non_empty("a kit folder"),
              type=click.Path(file_okay=False, path_type=str), default=None, metavar="DIR",
              help="Kit folder to judge against (default: $HTQ_MARK_KIT or the bundled kit).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="S",
              help=f"Seconds allowed per document before it is stopped  [default: {DEFAULT_LIMITS.max_seconds:g}].")
@click.option("--max-document-pages", type=click.IntRange(min=1), default=None, metavar="N",
              help=f"Most pages one PDF may have  [default: {DEFAULT_LIMITS.max_pages}].")
@click.option("--max-pixels", type=click.IntRange(min=1), default=None, metavar="N",
              help=f"Most pixels of one image (or frame)  [default: {DEFAULT_LIMITS.max_pixels_per_page}].")
@click.option("--limit", "limit_settings", multiple=True, metavar="NAME=VALUE", callback=_parse_limits,
              help="Set any other per-document limit, e.g. --limit max_frames=500 (repeatable); "
                   "the names are those of htq_mark.scanner.Limits.")
@click.option("--select", multiple=True, metavar="RULE,...", callback=_split_rules,
              help="Report only these rules (see htq-mark rules).")
@click.option("--ignore", multiple=True, metavar="RULE,...", callback=_split_rules,
              help="Do not report these rules.")
@click.option("--severity", "severities", multiple=True, metavar="RULE=LEVEL", callback=_parse_severities,
              help="Report RULE at LEVEL (error, warning or info) instead of its default (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", callback=_non_empty_globs,
              help="Pass over entries of scanned folders matching GLOB (name or path below the folder; "
                   "end with / for folders only), and URLs a crawl finds that match it (the whole URL, e.g. "
                   "'*/private/*'); repeatable. Also excluded: .git, node_modules, hidden folders (a config "
                   "file's exclude = [...] replaces these).")
@click.option("--force-exclude", is_flag=True, default=False,
              help="Pass over files and folders given by name that match an exclude too (as a pre-commit "
                   "hook, which names every file, needs).")
@click.option("--baseline", callback=non_empty("an earlier JSON report"),
              type=click.Path(dir_okay=False, path_type=str), default=None, metavar="REPORT.json",
              help="Suppress findings already in this earlier JSON report (- reads it from standard input); "
                   "only new ones count for --fail-on.")
@click.option("--write-baseline", callback=non_empty("a file for the baseline"),
              type=click.Path(dir_okay=False, path_type=str), default=None, metavar="FILE",
              help="Also write every finding of this scan as a JSON report to use as --baseline (- is "
                   "standard output, when the report is written with -o).")
@click.option("--config", "config_path", callback=non_empty("a config file"),
              type=click.Path(dir_okay=False, path_type=str), default=None,
              metavar="FILE", help="Read settings from FILE (default: htq-mark.toml or pyproject.toml's "
                                   "[tool.htq-mark], searched from here upwards).")
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option("-q", "--quiet", is_flag=True, default=False,
              help="Text report: only findings and problems; nothing on stderr but errors.")
@click.option("-v", "--verbose", is_flag=True, default=False,
              help="Text report: add each input's sha256 and the findings a baseline suppressed.")
@click.option("--progress/--no-progress", default=None,
              help="Show progress on stderr  [default: when stderr is a terminal].")
@click.option("--force", is_flag=True, help="Overwrite the -o and --write-baseline files if they exist.")
@click.option("--follow-symlinks", is_flag=True, default=False,
              help="Follow symbolic links in folders that lead outside the folders given (noted, not followed, "
                   "by default).")
@click.option("--executor", "executor_name", type=click.Choice(["local", "dask"]), default=None,
              help="Where documents are scanned: local worker processes (the default), or a Dask cluster "
                   "(--scheduler, $DASK_SCHEDULER_ADDRESS, or else one started on this machine with --jobs workers).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler to scan on, e.g. tcp://HOST:8786 (default: $DASK_SCHEDULER_ADDRESS).")
@click.option("--urls", "url_list", type=click.Path(exists=True, dir_okay=False, path_type=str), default=None,
              metavar="FILE", help="Scan the web pages listed in FILE (one URL a line).")
@click.option("--sitemap", "sitemaps", multiple=True, metavar="URL",
              help="Scan the pages a sitemap (or sitemap index) lists (repeatable).")
@click.option("--crawl/--no-crawl", "follow", default=False,
              help="Follow same-site links from the pages given, breadth first; linked PDFs and images are "
                   "scanned too.")
@click.option("--max-pages", type=click.IntRange(min=1), default=None, metavar="N",
              help=f"Most web pages and linked documents a crawl or sitemap scans  "
                   f"[default: {CrawlOptions.max_pages}]. (The most pages of one PDF: --max-document-pages.)")
@click.option("--max-depth", type=click.IntRange(min=0), default=None, metavar="N",
              help="Most links a crawl follows from a page given (default: no limit).")
@click.option("--include", multiple=True, metavar="GLOB",
              help="Crawl only URLs matching GLOB (the whole URL), e.g. '*/courses/*' (repeatable); "
                   "--exclude keeps URLs out.")
# The first spellings of --include and of --exclude for URLs, still accepted.
@click.option("--include-url", multiple=True, hidden=True)
@click.option("--exclude-url", multiple=True, hidden=True)
@click.option("--delay", type=click.FloatRange(min=0, max=600), default=1.0, show_default=True, metavar="S",
              help="Seconds between two requests to the same web host.")
@click.option("--allow-private", is_flag=True,
              help="Also fetch private and loopback addresses (link-local ones never are).")
@click.option("--ocr", type=click.Choice(["always", "auto", "never"]), default="auto", show_default=True,
              help="Read text in pictures for the qualification rules: in every image and page (always), "
                   "in images and pages without a text layer that show the mark (auto), or not at all.")
@click.pass_context
def scan_command(context: click.Context, /, paths: tuple[str, ...], config_path: str | None, isolated: bool,
                 force: bool, password: str | None, output: str | None, write_baseline: str | None,
                 include_url: tuple[str, ...], exclude_url: tuple[str, ...], **given: Any) -> None:
    """Find the quality mark in PDFs and images and report every misuse.

    PATH is a PDF, PNG, JPEG, WebP, TIFF, GIF or BMP file, a folder searched
    recursively, - for standard input, or a URL of stored files (s3://, gs://,
    abfs://, file://) read where the documents are scanned. An http(s) URL is a
    web page, rendered in headless Chromium at a desktop and a mobile width
    (needs the Debian packages chromium and chromium-driver). The report goes to standard output
    (text by default) or to -o FILE. Settings may also come from a config file.
    Exit status: 0 clean, 1 a finding reached --fail-on, 2 usage error, 3 an
    input could not be read (wins over 1), 4 internal error (htq-mark failed on a
    document because of a bug of its own; wins over 3).
    """
    if output == "-":
        output = None
    baseline_to_stdout = write_baseline == STANDARD_STREAM
    if baseline_to_stdout and output is None:
        raise click.UsageError("--write-baseline - and the report would both go to standard output; write the "
                               "report to a file with -o FILE, or the baseline with --write-baseline FILE.")
    # The file standard output goes to must not be the other output's (> FILE has opened it already).
    other_output = output if baseline_to_stdout else write_baseline if output is None else None
    if other_output is not None and (standard_output_file := file_identity(1)) is not None \
            and file_identity(other_output) == standard_output_file:
        clash = ("-o file, so --write-baseline - would write the baseline into the report" if baseline_to_stdout
                 else "--write-baseline file, so the baseline would replace the report")
        raise click.UsageError(f"{visible(other_output)}: standard output is the {clash}; give two files.")
    # Known before the scan, not after it: standard output closed (>&-) while something is to go there.
    if output is None:
        standard_output("the report", "write it to a file with -o FILE")
    elif baseline_to_stdout:
        standard_output("the baseline", "write it to a file with --write-baseline FILE")
    with library_errors():
        config = load_config(config_path, isolated=isolated)
        options = with_config(context, given, config, writes_baseline=None if baseline_to_stdout else write_baseline)
        # Both set: not by the config file alone (it is refused as it is read), so by the command line.
        if options["quiet"] and options["verbose"]:
            if on_command_line(context, given, "quiet") and on_command_line(context, given, "verbose"):
                raise click.UsageError("-q/--quiet and -v/--verbose ask for opposite things; give one of them.")
            options["quiet" if on_command_line(context, given, "verbose") else "verbose"] = False  # it wins
        if not paths and options["url_list"] is None and not options["sitemaps"]:
            raise click.UsageError("Missing argument 'PATH|URL...': give a PATH or URL, --urls FILE or "
                                   "--sitemap URL.")
        try:
            fail_on_threshold(options["fail_on"])
        except UsageError as exc:
            raise click.UsageError(f"--fail-on: {exc}.") from None
        if options["baseline"] == STANDARD_STREAM and options["url_list"] is not None:
            check_streams([options["url_list"], STANDARD_STREAM])  # --urls /dev/stdin would read it first
        urls = read_url_list(options["url_list"]) if options["url_list"] is not None else []
        web = WebOptions(allow_private=bool(options["allow_private"]), delay=float(options["delay"]))
        # The user's own --exclude patterns (not the default folder excludes) keep found URLs out too.
        _check_max_pages(context, options, config)
        crawl = CrawlOptions(follow=bool(options["follow"]),
                             max_pages=CrawlOptions.max_pages if options["max_pages"] is None else
                             int(options["max_pages"]),
                             max_depth=options["max_depth"], include=(*options["include"], *include_url),
                             exclude=(*options.get("exclude_instead", ()), *options["exclude"], *exclude_url))
        # An explicit --format, else -o's suffix, else the config file's format, else text.
        report_format = (reports.format_for_path(output, given["report_format"]) or options["report_format"]
                         or "text")
        output_identity = None if output is None else file_identity(output)
        if output is not None and write_baseline is not None and not baseline_to_stdout and (
                os.path.realpath(output) == os.path.realpath(write_baseline)
                or output_identity is not None and output_identity == file_identity(write_baseline)):
            raise UsageError(f"{output}: -o and --write-baseline name the same file; give two files.")
        rules = RuleSelection(select=frozenset(options["select"]) if options["select"] else None,
                              ignore=frozenset(options["ignore"]), severity=options["severities"])
        baseline = _load_baseline(options["baseline"], paths) if options["baseline"] else None
        kit = resolve_kit(options["kit_path"])
        register = resolve_register(options["register_path"])
        read = [str(path) for path in (config.path, configured_register_file(options["register_path"]),
                                       options["url_list"]) if path]
        baseline_file = [options["baseline"]] if options["baseline"] not in (None, STANDARD_STREAM) else []
        for target, what in ((output, "report"), (write_baseline, "baseline")):
            if target is not None and not (what == "baseline" and baseline_to_stdout):
                # The baseline is read before the scan and replaced after it: --write-baseline may update it.
                _refuse_an_input(target, what, paths, [*read, *(baseline_file if what == "report" else [])], kit)
                if what == "baseline" and (named := reports.format_for_path(target)) not in (None, "json"):
                    ending = ".sarif.json" if target.lower().endswith(".sarif.json") else Path(target).suffix
                    raise UsageError(f"{target}: a baseline is a JSON report, but its name says {named}; give it a "
                                     f"name ending .json (not {ending}).")
                reports.check_report_path(target, report_format if what == "report" else "json", what=what)
                check_writable(target, force=force)
        redirected_to = path_of_descriptor(1) if output is None or baseline_to_stdout else None
        if redirected_to is not None:
            # Standard output redirected (> FILE, >> FILE) to a file the scan reads: the shell has opened it already.
            _refuse_an_input(redirected_to, "baseline" if baseline_to_stdout else "report", paths,
                             [*read, *baseline_file], kit, label=f"standard output ({visible(redirected_to)})")
        scanned = _ScannedOutputs((output, None if baseline_to_stdout else write_baseline, redirected_to))
        limits = DEFAULT_LIMITS.replace(**options["limit_settings"]).replace(
            max_seconds=options["timeout"], max_pages=options["max_document_pages"],
            max_pixels_per_page=options["max_pixels"])
        exclude = (*options.get("exclude_instead", DEFAULT_EXCLUDE), *options["exclude"])
        quiet = bool(options["quiet"])
        show_progress = options["progress"] if options["progress"] is not None else \
            (sys.stderr is not None and sys.stderr.isatty())
        progress = _Progress() if show_progress and not quiet else None
        on = options["on"]
        with contextlib.ExitStack() as held:
            # Documents are written out as they come (to disk until the scan ends), never all held.
            writer = held.enter_context(reports.ReportWriter(report_format, verbose=bool(options["verbose"]),
                                                             quiet=quiet))
            baseline_writer = held.enter_context(reports.ReportWriter("json")) if write_baseline else None
            stream = _scan_into(writer, baseline_writer, baseline, progress, quiet, options, [*paths, *urls],
                                scanned, register=register, on=on.date() if on else None, kit=kit,
                                password=password, limits=limits, thumbnails=report_format == "html",
                                exclude=exclude, rules=rules, follow_symlinks=bool(options["follow_symlinks"]),
                                force_exclude=bool(options["force_exclude"]),
                                web=web, crawl=crawl, sitemaps=options["sitemaps"], ocr=cast("OcrMode", options["ocr"]))
            # The report records what the command line added to the scan's own settings (where a file is).
            stream.settings = dataclasses.replace(
                stream.settings, config=None if config.path is None else os.path.abspath(config.path),
                baseline=_recorded_path(options["baseline"]) if options["baseline"] else None)
            # The report first: if the baseline cannot be written, the report still is.
            problems: list[str | None] = []
            # Standard output's file turned out to be a document scanned (through a link, say): it is kept.
            scanned_stdout_label = (f"standard output ({visible(redirected_to)})"
                                    if redirected_to is not None and redirected_to in scanned.found else None)
            if output is None and scanned_stdout_label is not None:
                problems.append(_saved_instead(scanned_stdout_label, lambda handle: writer.write_bytes(stream, handle),
                                               "report", suffix=f".{report_format}"))
            elif output is None:
                _to_stdout(lambda handle: writer.write_bytes(stream, handle), "report", "-o FILE")
            else:
                problems.append(_write_output(output, lambda handle: writer.write_bytes(stream, handle), "report",
                                              suffix=f".{report_format}", force=force, scanned=scanned))
            report = writer.report(stream)
            if baseline_writer is not None and write_baseline is not None:
                # The next baseline holds every finding (its documents are added so): none suppressed.
                next_baseline = unsuppressed(dataclasses.replace(report, documents=()))
                if baseline_to_stdout and scanned_stdout_label is not None:
                    problems.append(_saved_instead(
                        scanned_stdout_label, lambda handle: baseline_writer.write_bytes(next_baseline, handle),
                        "baseline", suffix=".json"))
                elif baseline_to_stdout:
                    _to_stdout(lambda handle: baseline_writer.write_bytes(next_baseline, handle), "baseline",
                               "--write-baseline FILE")
                else:
                    problems.append(_write_output(write_baseline,
                                                  lambda handle: baseline_writer.write_bytes(next_baseline, handle),
                                                  "baseline", suffix=".json", force=force, scanned=scanned))
            if any(problems):
                fail(" ".join(problem for problem in problems if problem), ExitCode.USAGE)
            if output is not None:
                for document in report.documents:
                    if document.status == "error" and document.error is not None:
                        say(f"htq-mark: {document.error.message}", err=True)
            status = exit_status(report, options["fail_on"])
    if status != ExitCode.OK:
        sys.exit(int(status))


COMMANDS: list[click.Command] = [scan_command]
