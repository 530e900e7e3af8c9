"""``htq-mark scan`` settings: config files, rule selection, excludes, baselines, output formats, progress."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import htq_mark
from htq_mark.cli import cli
from htq_mark.cli._scan import scan_command
from htq_mark import _config
from htq_mark._config import SCAN_SETTINGS, find_config, load_config
from htq_mark.errors import ConfigError
from tests.scanner._make import mark_fragment, pdf_pages, text_fragment

KIT = htq_mark.load_kit()


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one PDF whose mark is too small and names no qualification (errors and a warning).

    The page has a text layer, so no scan here needs to read text in its pictures (which loads the OCR
    engine in every scan process: seconds a scan).
    """
    root = tmp_path_factory.mktemp("scan-config")
    (root / "docs").mkdir()
    (root / "docs" / "marked.pdf").write_bytes(pdf_pages([mark_fragment(KIT, x=100, y=100, width=56)
                                                          + text_fragment("Courses at the college", x=100, y=500)]))
    return root / "docs"


def run(*args: object, cwd: Path, stdin: bytes | None = None) -> Result:
    """``htq-mark scan`` run in the folder ``cwd`` (where config files are searched from), ``stdin`` its input."""
    before = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, ["scan", "--date", "2026-11-23", "--jobs", "1", *map(str, args)], input=stdin)
    finally:
        os.chdir(before)


def _rules(result: Result) -> set[str]:
    return {f["rule"] for d in json.loads(result.stdout)["documents"] for f in d["findings"]}


def test_every_setting_of_the_table_is_a_scan_parameter() -> None:
    parameters = {p.name for p in scan_command.params}
    assert {s.parameter for s in SCAN_SETTINGS} - parameters == {"exclude_instead"}


def test_pyproject_settings_are_found_from_a_folder_below(marked: Path, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.htq-mark]\nfail-on = "never"\n')
    below = tmp_path / "a" / "b"
    below.mkdir(parents=True)
    assert find_config(below) == tmp_path / "pyproject.toml"
    assert run(marked, cwd=below).exit_code == 0
    assert run(marked, "--isolated", cwd=below).exit_code == 1
    assert run(marked, "--fail-on", "error", cwd=below).exit_code == 1  # the command line wins


def test_htq_mark_toml_wins_and_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.htq-mark]\njobs = 1\n')
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(tmp_path / "inner") == tmp_path / "pyproject.toml"
    (tmp_path / "htq-mark.toml").write_text("jobs = 2\n")
    assert load_config(start=tmp_path / "inner").get("jobs") == 2


def test_every_kind_of_setting_is_read_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "htq-mark.toml").write_text(
        'format = "json"\nregister = "reg.csv"\ndate = 2026-11-23\nfail-on = "warning"\njobs = 2\n'
        'kit = "kit"\ntimeout = 30\nmax-document-pages = 10\nmax-pixels = 1000000\nlimits = { max_frames = 5 }\n'
        'select = ["too-small"]\nignore = "rotated, cropped"\nseverity = { too-small = "warning" }\n'
        'exclude = ["old/"]\nextend-exclude = ["*.tmp"]\nbaseline = "base.json"\nquiet = true\n'
        'verbose = false\nprogress = false\nfollow-symlinks = true\nforce-exclude = true\nocr = "never"\n'
        'executor = "dask"\n'
        'scheduler = "tcp://127.0.0.1:8786"\nurls = "urls.txt"\nsitemap = ["https://example.ac.uk/sitemap.xml"]\n'
        'crawl = true\nmax-pages = 50\nmax-depth = 0\ninclude = ["*/courses/*"]\ndelay = 0\n'
        'allow-private = true\n')
    values = load_config(tmp_path / "htq-mark.toml").values
    assert values["register_path"] == str(tmp_path / "reg.csv")
    assert values["on"].date().isoformat() == "2026-11-23"
    assert values["ignore"] == ("rotated", "cropped")
    assert values["limit_settings"] == {"max_frames": 5}
    assert values["exclude_instead"] == ("old/",) and values["exclude"] == ("*.tmp",)
    assert _config._globs(["drafts/", "*/private/*", "https://x.example/a/*", "./docs/a/*", "docs/../b/*.pdf",
                           "/abs/x/*", "d/", "docs/old/"], tmp_path / "[x]") == (
        "drafts/", "*/private/*", "https://x.example/a/*", "./docs/a/*", f"{tmp_path}/[[]x]/docs/a/*",
        "docs/../b/*.pdf", f"{tmp_path}/[[]x]/b/*.pdf", "/abs/x/*", "d/", "docs/old/", f"{tmp_path}/[[]x]/docs/old/")
    assert values["fail_on"] == ("warning",) and values["follow_symlinks"] is True and values["ocr"] == "never"
    assert values["force_exclude"] is True
    assert values["executor_name"] == "dask" and values["scheduler"] == "tcp://127.0.0.1:8786"
    assert values["url_list"] == str(tmp_path / "urls.txt") and values["follow"] is True
    assert values["max_document_pages"] == 10 and values["max_pages"] == 50
    assert values["max_depth"] == 0 and values["delay"] == 0
    assert values["include"] == ("*/courses/*",) and values["allow_private"] is True
    assert len(values) == len(SCAN_SETTINGS)


@pytest.mark.parametrize(("content", "words"), [
    ("colour = 1\n", "unknown setting(s) colour"),
    ('fail-on = "sometimes"\n', "setting fail-on must be one of error, warning, info, never"),
    ('fail-on = ["never", "error"]\n', "setting fail-on is refused: never cannot go with a severity (error)"),
    ("jobs = 0\n", "setting jobs must be at least 1"),
    ("jobs = 1.5\n", "must be a whole number"),
    ("timeout = -1\n", "setting timeout must be above 0"),
    ('severity = "error"\n', "must be a table"),
    ("quiet = 1\n", "must be true or false"),
    ('executor = "spark"\n', "setting executor must be one of local, dask"),
    ('select = ["too-smal"]\n', "setting select names unknown rule(s) too-smal"),
    ("select = []\n", "setting select lists no rule"),  # it reported every rule
    ('severity = { nope = "error" }\n', "setting severity names unknown rule nope"),
    ("limits = { max_frame = 5 }\n", "setting limits names unknown limit max_frame"),
    # Before, said without naming the file.
    ("limits = { max_frames = 1.5 }\n", "setting limits sets max_frames to 1.5, but it is a count"),
    ("delay = -1\n", "setting delay must be 0 or more"),
    ("max-depth = 1.5\n", "setting max-depth must be a whole number"),
    ("max-pages = 0\n", "setting max-pages must be at least 1"),
    ("crawl = \"yes\"\n", "setting crawl must be true or false"),
    ("not toml [\n", "is not valid TOML"),
    # Each of these was an internal error (exit 4): a huge whole number, one too long to read, a NUL.
    ("jobs = 1" + "0" * 400 + "\n", "setting jobs must be at most 9,007,199,254,740,992"),
    ("timeout = 1" + "0" * 400 + "\n", "setting timeout must be at most"),
    ("timeout = 1e20\n", "setting timeout must be at most 604,800"),
    ("jobs = 1" + "0" * 5000 + "\n", "holds a value that cannot be read"),
    ('register = "a\\u0000b"\n', "setting register must be a path (it holds a NUL character)"),
    ('baseline = "a\\u0000b"\n', "setting baseline must be a path (it holds a NUL character)"),
    ("limits = { max_seconds = 1e20 }\n", "setting limits sets max_seconds above 604,800"),
])
def test_a_bad_config_is_a_usage_error_naming_the_file_and_setting(marked: Path, tmp_path: Path, content: str,
                                                                   words: str) -> None:
    (tmp_path / "htq-mark.toml").write_text(content)
    result = run(marked, cwd=tmp_path)
    assert result.exit_code == 2
    assert words in result.stderr and "htq-mark.toml" in result.stderr
    assert "Traceback" not in result.output


def test_an_explicit_config_without_the_table_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match="has no \\[tool.htq-mark\\] table"):
        load_config(tmp_path / "pyproject.toml")


def test_select_ignore_and_severity_from_the_command_line_and_the_file(marked: Path, tmp_path: Path) -> None:
    everything = _rules(run(marked, "--format", "json", cwd=tmp_path))
    assert {"too-small", "no-qualification"} <= everything
    assert _rules(run(marked, "--format", "json", "--select", "too-small", cwd=tmp_path)) == {"too-small"}
    assert "too-small" not in _rules(run(marked, "--format", "json", "--ignore", "too-small", cwd=tmp_path))
    (tmp_path / "htq-mark.toml").write_text('select = ["no-qualification"]\n'
                                            'severity = { no-qualification = "info" }\n')
    result = run(marked, "--format", "json", cwd=tmp_path)
    findings = [f for d in json.loads(result.stdout)["documents"] for f in d["findings"]]
    assert {(f["rule"], f["severity"]) for f in findings} == {("no-qualification", "info")}
    assert result.exit_code == 0  # an info finding does not reach --fail-on error


@pytest.mark.parametrize(("args", "reported"), [
    ([], set()),
    (["--select", "too-small"], {"too-small"}),
    (["--select", "too-small,no-qualification", "--ignore", "no-qualification"], {"too-small"}),
    (["--ignore", "rotated"], set()),
])
def test_a_rule_selected_on_the_command_line_is_reported_though_the_file_ignores_it(
        marked: Path, tmp_path: Path, args: list[str], reported: set[str]) -> None:
    """The command line wins over the file: before, the file's ignore silenced a rule the command line
    selected, and the scan came out clean (exit 0)."""
    (tmp_path / "htq-mark.toml").write_text('ignore = ["too-small", "no-qualification"]\n')
    result = run(marked, "--format", "json", *args, cwd=tmp_path)
    assert _rules(result) == reported
    assert result.exit_code == (1 if "too-small" in reported else 0)


def test_the_report_says_which_config_file_and_rules_shaped_it(marked: Path, tmp_path: Path) -> None:
    """A config file that switches a rule off passes a scan it would fail: the report says so."""
    plain = json.loads(run(marked, "--format", "json", "--ocr", "never", cwd=tmp_path).stdout)["settings"]
    assert plain == {"config": None, "baseline": None, "rules": {"select": None, "ignore": [], "severity": {}},
                     "ocr": "never", "exclude": None}
    (tmp_path / "htq-mark.toml").write_text('ignore = ["too-small"]\nseverity = { no-qualification = "info" }\n')
    baseline = tmp_path / "known.json"
    run(marked, "--write-baseline", baseline, cwd=tmp_path)
    chosen = json.loads(run(marked, "--format", "json", "--baseline", baseline, cwd=tmp_path).stdout)["settings"]
    assert Path(chosen["config"]).resolve() == (tmp_path / "htq-mark.toml").resolve()
    assert chosen["baseline"] == str(baseline) and chosen["ocr"] == "auto"
    assert chosen["rules"] == {"select": None, "ignore": ["too-small"], "severity": {"no-qualification": "info"}}
    text = run(marked, cwd=tmp_path).stdout
    assert "rules ignored: too-small; severities set: no-qualification to info" in text
    assert "no config file" in run(marked, "--isolated", cwd=tmp_path).stdout
    # Paths are recorded whole, wherever they were given from; a new baseline suppresses nothing.
    (tmp_path / "sub").mkdir()
    following = tmp_path / "next.json"
    run(marked, "--config", "../htq-mark.toml", "--baseline", "../known.json", "--write-baseline", following,
        "-o", tmp_path / "r.json", cwd=tmp_path / "sub")
    written = json.loads((tmp_path / "r.json").read_text())["settings"]
    assert (written["config"], written["baseline"]) == (str(tmp_path / "htq-mark.toml"), str(baseline))
    assert json.loads(following.read_text())["settings"]["baseline"] is None


@pytest.mark.parametrize(("args", "words"), [
    (["--select", "too-smal"], "unknown rule(s) too-smal"),
    (["--severity", "too-small"], "is not RULE=LEVEL"),
    (["--severity", "too-small=fatal"], "is not a level"),
])
def test_bad_rule_options_are_usage_errors(marked: Path, tmp_path: Path, args: list[str], words: str) -> None:
    result = run(marked, *args, cwd=tmp_path)
    assert result.exit_code == 2 and words in result.output


def test_excludes_from_the_command_line_add_to_the_defaults(marked: Path, tmp_path: Path) -> None:
    result = run(marked.parent, "--format", "json", "--exclude", "docs/", cwd=tmp_path)
    assert json.loads(result.stdout)["documents"] == []
    assert result.exit_code == 0


@pytest.mark.parametrize(("config", "args", "recorded", "words"), [
    (None, [], None, None),
    (None, ["--exclude", "drafts/"], [".git/", "node_modules/", ".*/", "drafts/"], 'passed over: ".git/"'),
    ('exclude = ["*.pdf"]\n', [], ["*.pdf"], 'passed over: "*.pdf"'),
    ("exclude = []\n", [], [], "nothing passed over in folders"),
    # The defaults in another order, or one of them given again, are the defaults.
    ('exclude = ["node_modules/", ".*/", ".git/"]\n', [], None, None),
    (None, ["--exclude", ".git/"], None, None),
])
def test_the_report_records_what_folder_entries_were_passed_over(marked: Path, tmp_path: Path, config: str | None,
                                                                  args: list[str], recorded: list[str] | None,
                                                                  words: str | None) -> None:
    """A config file that excludes every PDF makes a scan of nothing look clean: the report says so."""
    if config is not None:
        (tmp_path / "htq-mark.toml").write_text(config)
    report = json.loads(run(marked.parent, *args, "--format", "json", "--fail-on", "never", cwd=tmp_path).stdout)
    assert report["settings"]["exclude"] == recorded
    text = run(marked.parent, *args, "--fail-on", "never", cwd=tmp_path).stdout
    settings_line = next(line for line in text.splitlines() if line.startswith("Settings:"))
    assert (words is None and "passed over" not in settings_line) or (words is not None and words in settings_line)


@pytest.mark.parametrize(("scanned", "working"), [(["."], "."), (["docs"], "."), (["."], "docs"),
                                               (["docs/drafts/draft.pdf", "--force-exclude"], ".")])
def test_a_config_files_exclude_path_is_relative_to_the_file(marked: Path, tmp_path: Path, scanned: list[str],
                                                             working: str) -> None:
    """Before, ``docs/drafts/*`` was matched below the folder scanned: ``htq-mark scan docs`` scanned the
    drafts that ``htq-mark scan .`` and the pre-commit hook passed over."""
    (tmp_path / "docs" / "drafts").mkdir(parents=True)
    pdf = (marked / "marked.pdf").read_bytes()
    (tmp_path / "docs" / "drafts" / "draft.pdf").write_bytes(pdf)
    (tmp_path / "docs" / "kept.pdf").write_bytes(pdf)
    (tmp_path / "htq-mark.toml").write_text('extend-exclude = ["docs/drafts/*"]\n')
    report = json.loads(run(*scanned, "--format", "json", "--fail-on", "never", cwd=tmp_path / working).stdout)
    assert [Path(d["path"]).name for d in report["documents"]] == ([] if "--force-exclude" in scanned
                                                                   else ["kept.pdf"])
    assert report["settings"]["exclude"][-2:] == ["docs/drafts/*", str(tmp_path.resolve() / "docs" / "drafts" / "*")]


@pytest.mark.parametrize("scanned", [["."], ["docs"], ["docs/drafts/draft.pdf", "docs/kept.pdf", "--force-exclude"]])
def test_a_config_files_exclude_path_through_a_link_is_passed_over(marked: Path, tmp_path: Path,
                                                                   scanned: list[str]) -> None:
    """The glob names docs/drafts, a link to a folder elsewhere: the review of the anchoring found it matched
    only the path with links resolved, so the drafts were scanned where the code before passed them over."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "shared" / "drafts").mkdir(parents=True)
    (tmp_path / "docs" / "drafts").symlink_to(tmp_path / "shared" / "drafts")
    pdf = (marked / "marked.pdf").read_bytes()
    (tmp_path / "shared" / "drafts" / "draft.pdf").write_bytes(pdf)
    (tmp_path / "docs" / "kept.pdf").write_bytes(pdf)
    (tmp_path / "htq-mark.toml").write_text('extend-exclude = ["docs/drafts/*"]\n')
    report = json.loads(run(*scanned, "--format", "json", "--fail-on", "never", cwd=tmp_path).stdout)
    found = sorted(os.path.normpath(d["path"]) for d in report["documents"])
    # Scanning docs alone, the link leads outside it: it is noted as not followed, as before.
    assert found == {".": ["docs/kept.pdf", "shared/drafts/draft.pdf"], "docs": ["docs/drafts", "docs/kept.pdf"]
                     }.get(scanned[0], ["docs/kept.pdf"])


def test_a_config_given_from_another_folder_still_matches_its_globs_below_the_folder_scanned(
        marked: Path, tmp_path: Path) -> None:
    """A shared policy file named with --config: its docs/drafts/* still passes over docs/drafts below the
    folder scanned, as before the globs were anchored at the file's folder too."""
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "htq-mark.toml").write_text('extend-exclude = ["docs/drafts/*"]\n')
    project = tmp_path / "project"
    (project / "docs" / "drafts").mkdir(parents=True)
    pdf = (marked / "marked.pdf").read_bytes()
    (project / "docs" / "drafts" / "draft.pdf").write_bytes(pdf)
    (project / "docs" / "kept.pdf").write_bytes(pdf)
    report = json.loads(run(".", "--config", tmp_path / "policy" / "htq-mark.toml", "--format", "json",
                            "--fail-on", "never", cwd=project).stdout)
    assert [os.path.normpath(d["path"]) for d in report["documents"]] == ["docs/kept.pdf"]


@pytest.mark.parametrize("forced", [True, False])
def test_the_report_records_that_excludes_passed_over_paths_given_by_name(marked: Path, tmp_path: Path,
                                                                       forced: bool) -> None:
    """Before, a file given by name and passed over by --force-exclude left no trace in the report."""
    flags = ["--exclude", "*.pdf", *(["--force-exclude"] if forced else [])]
    given = marked / "marked.pdf"
    report = json.loads(run(given, *flags, "--format", "json", "--fail-on", "never", cwd=tmp_path).stdout)
    assert (report["documents"] == []) is forced
    assert report["settings"].get("force_exclude") is (True if forced else None)
    text = run(given, *flags, "--fail-on", "never", cwd=tmp_path).stdout
    settings_line = next(line for line in text.splitlines() if line.startswith("Settings:"))
    assert ("excludes applied to paths given by name too" in settings_line) is forced


def test_a_baseline_suppresses_known_findings_and_only_new_ones_fail(marked: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    first = run(marked, "--write-baseline", baseline, cwd=tmp_path)
    assert first.exit_code == 1 and baseline.is_file()
    again = run(marked, "--baseline", baseline, "--format", "json", cwd=tmp_path)
    assert again.exit_code == 0
    data = json.loads(again.stdout)
    assert data["summary"]["findings"]["error"] == 0 and data["summary"]["suppressed"] >= 2
    assert {f["rule"] for f in data["documents"][0]["suppressed"]} >= {"too-small", "no-qualification"}
    # A new document brings new findings: those fail, the known ones stay suppressed.
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.pdf").write_bytes(marked.joinpath("marked.pdf").read_bytes())
    newer = run(marked, extra, "--baseline", baseline, cwd=tmp_path)
    assert newer.exit_code == 1
    assert "suppressed by the baseline" in newer.stdout and "new.pdf:1: error too-small" in newer.stdout


def test_a_baseline_goes_through_standard_output_and_back_in(marked: Path, tmp_path: Path) -> None:
    """``--write-baseline -`` writes it to standard output (the report to -o), ``--baseline -`` reads it back."""
    written = run(marked, "-o", tmp_path / "report.json", "--write-baseline", "-", cwd=tmp_path)
    assert written.exit_code == 1 and not (tmp_path / "-").exists()
    baseline = json.loads(written.stdout)
    assert {f["rule"] for f in baseline["documents"][0]["findings"]} >= {"too-small", "no-qualification"}
    again = run(marked, "--baseline", "-", "--format", "json", cwd=tmp_path, stdin=written.stdout_bytes)
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert report["summary"]["suppressed"] >= 2 and report["settings"]["baseline"] == "-"
    text = run(marked, "--baseline", "-", cwd=tmp_path, stdin=written.stdout_bytes)
    assert "findings in the baseline read from standard input suppressed" in text.stdout


@pytest.mark.parametrize(("args", "stdin", "words"), [
    (["--write-baseline", "-"], b"", "would both go to standard output"),
    (["-o", "-", "--write-baseline", "-"], b"", "would both go to standard output"),
    (["--baseline", "-", "-"], b"%PDF-1.4", "standard input is given 2 times (-, -)"),
    (["--baseline", "-", "/dev/stdin"], b"%PDF-1.4", "standard input is given 2 times (/dev/stdin, -)"),
    (["--baseline", "-", "/dev/fd/0"], b"%PDF-1.4", "standard input is given 2 times (/dev/fd/0, -)"),
    (["--baseline", "-", "--urls", "/dev/stdin"], b"http://127.0.0.1:9/\n",
     "standard input is given 2 times (/dev/stdin, -)"),  # before, the URL list read it and the baseline was empty
    (["--baseline", "-"], b"", "standard input (--baseline -): is empty"),
    (["--baseline", "-"], b"\xff\xfe", "standard input (--baseline -): is not JSON"),
    (["--baseline", "-"], b'{"schema": "something-else"}', "not an htq-mark JSON report"),
])
def test_standard_streams_that_cannot_serve_are_usage_errors(marked: Path, tmp_path: Path, args: list[str],
                                                             stdin: bytes, words: str) -> None:
    result = run(marked, *args, cwd=tmp_path, stdin=stdin)
    assert result.exit_code == 2 and words in result.stderr, result.output
    assert "Traceback" not in result.output and not (tmp_path / "-").exists()


def test_the_baseline_is_not_written_to_standard_output_that_is_the_report_file(marked: Path, tmp_path: Path) -> None:
    """``-o same.json --write-baseline - > same.json``: the baseline would go into the report file."""
    report = tmp_path / "same.json"
    script = (f'exec "{sys.executable}" -m htq_mark scan --jobs 1 -o "{report}" --write-baseline - "{marked}" '
              f'> "{report}"')
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "standard output is the -o file" in done.stderr, done.stderr
    assert report.read_bytes() == b""  # the shell emptied it; nothing was scanned into it


def test_the_report_is_not_sent_to_standard_output_that_is_the_baseline_file(marked: Path, tmp_path: Path) -> None:
    """``--write-baseline same.json > same.json``: the baseline replaced the report written there."""
    baseline = tmp_path / "same.json"
    script = (f'exec "{sys.executable}" -m htq_mark scan --jobs 1 --write-baseline "{baseline}" --force "{marked}" '
              f'> "{baseline}"')
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "standard output is the --write-baseline file" in " ".join(done.stderr.split())
    assert baseline.read_bytes() == b""


def test_a_closed_standard_output_for_the_baseline_is_refused_before_scanning(marked: Path, tmp_path: Path) -> None:
    script = (f'exec "{sys.executable}" -m htq_mark scan --jobs 1 -o "{tmp_path / "r.json"}" --write-baseline - '
              f'"{marked}" >&-')
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "standard output is closed, so the baseline cannot be written" in done.stderr
    assert not (tmp_path / "r.json").exists()  # refused before the scan, so no report either


@pytest.mark.parametrize("setting", ["baseline", "register", "urls"])
def test_a_config_file_may_not_name_standard_input(marked: Path, tmp_path: Path, setting: str) -> None:
    (tmp_path / "htq-mark.toml").write_text(f'{setting} = "-"\n')
    result = run(marked, cwd=tmp_path, stdin=b"")
    assert result.exit_code == 2 and f"setting {setting} must be a file's path" in result.stderr, result.output


def test_write_baseline_keeps_an_existing_file_without_force(marked: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text("mine")
    result = run(marked, "--write-baseline", baseline, cwd=tmp_path)
    assert result.exit_code == 2 and baseline.read_text() == "mine"


@pytest.mark.parametrize("setting", ["baseline", "register", "kit", "urls"])
def test_a_path_the_config_file_names_that_does_not_exist_is_named_with_the_file(marked: Path, tmp_path: Path,
                                                                                  setting: str) -> None:
    """Before, the message named the missing file alone (a kit's said it was 'not a folder', a baseline's
    'the report cannot be read'), leaving the user to find which setting of which file named it."""
    (tmp_path / "htq-mark.toml").write_text(f'{setting} = "missing.x"\n')
    below = tmp_path / "below"
    below.mkdir()
    result = run(marked, cwd=below)
    assert result.exit_code == 2
    making = f"make it with --write-baseline {tmp_path / 'missing.x'}" if setting == "baseline" else "create it"
    assert (f"{tmp_path / 'htq-mark.toml'}: setting {setting} names {tmp_path / 'missing.x'}, which does not "
            f"exist; fix the path (it is relative to the config file) or {making}.") in result.stderr
    if setting == "baseline":  # given on the command line, the file's is not used
        assert run(marked, "--write-baseline", tmp_path / "new.json", "--baseline", tmp_path / "none.json",
                   cwd=below).stderr.count("none.json (the baseline): the report cannot be read") == 1


def test_the_first_scan_makes_the_baseline_the_config_file_names(marked: Path, tmp_path: Path) -> None:
    """A baseline named in the config file that is not there yet is made by --write-baseline naming it:
    before, the missing baseline stopped that very scan."""
    (tmp_path / "htq-mark.toml").write_text('baseline = "known.json"\n')
    first = run(marked, "--write-baseline", "known.json", cwd=tmp_path)
    assert first.exit_code == 1 and (tmp_path / "known.json").exists()
    again = run(marked, cwd=tmp_path)
    assert again.exit_code == 0 and "suppressed by the baseline" in again.stdout


def test_a_baseline_that_is_not_a_report_is_a_usage_error(marked: Path, tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text('{"schema": "something-else"}')
    result = run(marked, "--baseline", tmp_path / "b.json", cwd=tmp_path)
    assert result.exit_code == 2 and "not an htq-mark JSON report" in result.stderr


@pytest.mark.parametrize(("name", "check"), [
    ("report.sarif", lambda data: json.loads(data)["version"] == "2.1.0"),
    ("report.json", lambda data: json.loads(data)["schema"] == "htq-mark.scan-report/1"),
    ("report.html", lambda data: data.lstrip().lower().startswith("<!doctype html")),
    ("report.xml", lambda data: "<testsuites" in data),
    ("report.out", lambda data: "Findings:" in data),
])
def test_the_format_follows_the_output_suffix(marked: Path, tmp_path: Path, name: str, check: object) -> None:
    result = run(marked, "-o", tmp_path / name, cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert check((tmp_path / name).read_text(encoding="utf-8"))  # type: ignore[operator]


def test_a_suffix_that_contradicts_the_format_is_a_usage_error(marked: Path, tmp_path: Path) -> None:
    result = run(marked, "--format", "json", "-o", tmp_path / "report.sarif", cwd=tmp_path)
    assert result.exit_code == 2 and "the suffix .sarif means sarif" in result.stderr
    assert not (tmp_path / "report.sarif").exists()


@pytest.mark.parametrize(("args", "written", "words"), [
    (["-o", "report.pdf"], "report.pdf", "report.pdf: the suffix .pdf is a document's, and the next scan of this "
                                         "folder would read the report as one; name it .txt (text)."),
    (["--format", "html", "-o", "page.PNG"], "page.PNG", "the suffix .png is a document's"),
    (["-o", "r.json", "--write-baseline", "b.sarif"], "b.sarif",
     "b.sarif: a baseline is a JSON report, but its name says sarif; give it a name ending .json (not .sarif)."),
    (["-o", "r.json", "--write-baseline", "b.sarif.json"], "b.sarif.json", "its name says sarif; give it a name "
                                                                           "ending .json (not .sarif.json)."),
    (["-o", "r.json", "--write-baseline", "b.html"], "b.html", "its name says html; give it a name ending .json"),
    (["-o", "r.json", "--write-baseline", "b.jpg"], "b.jpg",
     "b.jpg: the suffix .jpg is a document's, and the next scan of this folder would read the baseline as one; "
     "name it .json (json)."),
])
def test_a_report_or_baseline_named_for_something_else_is_refused(marked: Path, tmp_path: Path, args: list[str],
                                                                  written: str, words: str) -> None:
    """Before, a text report was written as report.pdf (which the next scan of the folder reported as a
    damaged PDF), and a baseline named b.sarif held JSON."""
    result = run(marked, *args, cwd=tmp_path)
    assert result.exit_code == 2 and words in result.stderr
    assert not (tmp_path / written).exists() and not (tmp_path / "r.json").exists()


def test_progress_is_shown_when_asked_and_never_when_quiet(marked: Path, tmp_path: Path) -> None:
    shown = run(marked, "--progress", cwd=tmp_path)
    assert "scanning 1/1" in shown.stderr
    quiet = run(marked, "--progress", "--quiet", cwd=tmp_path)
    assert quiet.stderr == "" and "Summary:" not in quiet.stdout and "too-small" in quiet.stdout
    assert "scanning" not in run(marked, "--no-progress", cwd=tmp_path).stderr


def test_verbose_lists_the_inputs_checksums(marked: Path, tmp_path: Path) -> None:
    digest = hashlib.sha256(marked.joinpath("marked.pdf").read_bytes()).hexdigest()
    assert digest in run(marked, "--verbose", cwd=tmp_path).stdout
    assert digest not in run(marked, cwd=tmp_path).stdout


@pytest.mark.parametrize(("config", "args", "words"), [
    (None, ["-q", "-v"], "-q/--quiet and -v/--verbose ask for opposite things; give one of them."),
    ("quiet = true\nverbose = true\n", [], "quiet and verbose ask for opposite things; set one of them."),
    ('fail-on = "never"\n', ["--isolated", "--config", "CONFIG"], "would not be read, as --isolated ignores every "
                                                                  "config file; give the file or --isolated, not both."),
])
def test_options_that_contradict_each_other_are_refused(marked: Path, tmp_path: Path, config: str | None,
                                                         args: list[str], words: str) -> None:
    """Before, both were taken without a word (--config under --isolated was not read at all)."""
    if config is not None:
        (tmp_path / "htq-mark.toml").write_text(config)
    result = run(marked, *[str(tmp_path / "htq-mark.toml") if arg == "CONFIG" else arg for arg in args],
                 cwd=tmp_path)
    assert result.exit_code == 2 and words in result.stderr


@pytest.mark.parametrize(("config", "flag", "verbose"), [("quiet = true\n", "-v", True),
                                                         ("verbose = true\n", "-q", False)])
def test_quiet_or_verbose_on_the_command_line_wins_over_the_other_in_the_file(
        marked: Path, tmp_path: Path, config: str, flag: str, verbose: bool) -> None:
    (tmp_path / "htq-mark.toml").write_text(config)
    digest = hashlib.sha256(marked.joinpath("marked.pdf").read_bytes()).hexdigest()
    result = run(marked, flag, cwd=tmp_path)
    assert result.exit_code == 1
    assert (digest in result.stdout) is verbose
    assert ("Settings:" in result.stdout) is verbose


def test_the_command_help_names_the_config_file() -> None:
    assert "pyproject.toml" in CliRunner().invoke(cli, ["scan", "--help"]).output
    assert isinstance(scan_command, click.Command)


def test_the_output_suffix_wins_over_the_config_format(marked: Path, tmp_path: Path) -> None:
    (tmp_path / "htq-mark.toml").write_text('format = "json"\n')
    assert json.loads(run(marked, cwd=tmp_path).stdout)["schema"] == "htq-mark.scan-report/1"
    result = run(marked, "-o", tmp_path / "r.sarif", cwd=tmp_path)
    assert result.exit_code == 1 and json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"


def test_output_and_baseline_may_not_be_the_same_file(marked: Path, tmp_path: Path) -> None:
    result = run(marked, "-o", tmp_path / "r.json", "--write-baseline", tmp_path / "r.json", cwd=tmp_path)
    assert result.exit_code == 2 and "name the same file" in result.stderr
    assert not (tmp_path / "r.json").exists()


def test_a_fifo_as_config_file_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "htq-mark.toml"
    os.mkfifo(fifo)  # no writer: an ordinary open would wait for ever
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(fifo)


def _belongs_to_another_user(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``path`` another user's: given away when running as root, else by the scan taking another uid."""
    if os.geteuid() == 0:
        os.chown(path, 65534, -1)  # nobody
    else:
        monkeypatch.setattr(os, "getuid", lambda: path.stat().st_uid + 1)


def test_a_config_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Some editors write one: before, 'Invalid statement (at line 1, column 1)' and nothing more."""
    (tmp_path / "htq-mark.toml").write_bytes(b"\xef\xbb\xbfjobs = 2\n")
    assert load_config(start=tmp_path).get("jobs") == 2


def test_another_users_config_file_in_a_shared_folder_is_not_applied(marked: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Anyone may leave a file in /tmp: one that switched every rule off used to be applied silently."""
    shared = tmp_path / "shared"
    (shared / "work").mkdir(parents=True)
    shared.chmod(0o1777)  # as /tmp is
    config = shared / "htq-mark.toml"
    config.write_text('fail-on = "never"\nignore = ["too-small", "no-qualification"]\n', encoding="utf-8")
    _belongs_to_another_user(config, monkeypatch)
    refused = run(marked, cwd=shared / "work")
    assert refused.exit_code == 2 and "belongs to another user" in refused.stderr
    assert f"--config {config}" in refused.stderr and "--isolated" in refused.stderr
    assert run(marked, "--isolated", cwd=shared / "work").exit_code == 1  # the errors count again
    assert run(marked, "--config", config, cwd=shared / "work").exit_code == 0  # named: the user's choice


@pytest.mark.parametrize("chain", [False, True], ids=["link", "link-to-a-link"])
def test_another_users_link_to_a_file_of_the_users_own_is_not_applied(marked: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       chain: bool) -> None:
    """Before, only the file linked to was judged (then only the first link and the file): a link left in /tmp
    to any file of the user's (or root's) was applied as the user's own config file."""
    shared = tmp_path / "shared"
    (shared / "work").mkdir(parents=True)
    shared.chmod(0o1777)  # as /tmp is
    own = tmp_path / "own.toml"
    own.write_text('fail-on = "never"\nignore = ["too-small", "no-qualification"]\n', encoding="utf-8")
    config = shared / "htq-mark.toml"
    hop = shared / "hop.toml"
    (config if not chain else hop).symlink_to(own)
    if chain:
        config.symlink_to(hop.name)  # the user's own link, to another user's
    left = hop if chain else config
    lstat = Path.lstat

    def left_by_another_user(path: Path) -> os.stat_result:
        found = lstat(path)
        if path != left:
            return found
        fields = list(found)
        fields[stat.ST_UID] = os.getuid() + 1
        return os.stat_result(fields)

    monkeypatch.setattr(Path, "lstat", left_by_another_user)
    refused = run(marked, cwd=shared / "work")
    assert refused.exit_code == 2 and "belongs to another user" in refused.stderr


def test_another_users_broken_project_file_above_is_passed_over(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "work").mkdir()
    tmp_path.chmod(0o1777)
    project = tmp_path / "pyproject.toml"
    project.write_text("not toml [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        find_config(tmp_path / "work")  # the user's own: to be fixed
    _belongs_to_another_user(project, monkeypatch)
    assert find_config(tmp_path / "work") is None


@pytest.mark.parametrize("where", ["working-folder", "folder-above"])
def test_another_users_config_in_a_folder_only_they_may_write_is_applied(marked: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         where: str) -> None:
    """A CI container running as root on a checkout owned by the runner's user: the checkout's config holds."""
    checkout = tmp_path / "checkout"
    (checkout / "docs").mkdir(parents=True)
    config = checkout / "htq-mark.toml"
    config.write_text('fail-on = "never"\n', encoding="utf-8")
    _belongs_to_another_user(config, monkeypatch)
    for folder in (checkout, checkout / "docs"):
        folder.chmod(0o755)
    result = run(marked, cwd=checkout if where == "working-folder" else checkout / "docs")
    assert result.exit_code == 0, result.stderr  # fail-on never applied


def test_a_working_folder_that_is_gone_is_a_clear_error(tmp_path: Path) -> None:
    document = tmp_path / "a.pdf"
    document.write_bytes(pdf_pages([mark_fragment(htq_mark.load_kit(), x=100, y=100, width=200)]))
    (tmp_path / "gone").mkdir()
    script = f'cd gone && rmdir ../gone && exec "{sys.executable}" -m htq_mark scan --jobs 1 "{document}" "$@"'
    for extra, code in (([], 2), (["--isolated"], 0)):
        done = subprocess.run(["sh", "-c", script, "sh", *extra], cwd=tmp_path, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode in ((2,) if code == 2 else (0, 1)), done.stderr
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        if code == 2:
            assert "working folder no longer exists" in done.stderr and "--isolated" in done.stderr
        (tmp_path / "gone").mkdir()


def test_the_first_spellings_of_the_url_patterns_are_hidden() -> None:
    shown = CliRunner().invoke(cli, ["scan", "--help"]).output
    assert "--include GLOB" in shown and "--max-pages" in shown
    assert "--include-url" not in shown and "--exclude-url" not in shown
