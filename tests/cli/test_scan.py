"""``htq-mark scan``: every exit status, report formats, options."""

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import htq_mark
from htq_mark.cli import cli, main
from htq_mark.cli._scan import exit_status
from htq_mark.register import EXAMPLE_ENTITLED_ID, EXAMPLE_WITHDRAWN_ID
from htq_mark.scanner._pool import default_jobs
from htq_mark.scanner._results import DocumentError, DocumentResult, Finding, ScanReport
from tests.scanner._make import (
    canvas_with,
    encode,
    mark_fragment,
    pdf_pages,
    text_fragment,
)

KIT = htq_mark.load_kit()


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli-scan")
    (root / "clean.pdf").write_bytes(pdf_pages([text_fragment(f"HNC QN {EXAMPLE_ENTITLED_ID}", x=50, y=50)]))
    (root / "claim.pdf").write_bytes(pdf_pages([text_fragment(
        f"A Higher Technical Qualification: QN {EXAMPLE_WITHDRAWN_ID}", x=50, y=50)]))
    (root / "marked.pdf").write_bytes(pdf_pages([mark_fragment(KIT, x=100, y=100, width=142)]))
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    (root / "post.png").write_bytes(encode(canvas_with(KIT, width=240), "PNG"))
    return root


def run(*args):
    return CliRunner().invoke(cli, ["scan", "--date", "2026-11-23", "--jobs", "1", *map(str, args)])


def test_clean_document_exits_0_with_a_text_report(docs):
    result = run(docs / "clean.pdf")
    assert result.exit_code == 0, result.output
    assert "clean.pdf" in result.output


def test_an_error_finding_exits_1(docs):
    result = run(docs / "claim.pdf")
    assert result.exit_code == 1
    assert "not-entitled" in result.output


def test_fail_on_never_exits_0_despite_findings(docs):
    assert run(docs / "claim.pdf", "--fail-on", "never").exit_code == 0


def test_fail_on_warning_counts_warnings(docs):
    result = run(docs / "marked.pdf", "--fail-on", "warning", "--format", "json")
    report = json.loads(result.output)
    assert report["summary"]["findings"]["warning"] >= 1  # no qualification named with the mark
    assert result.exit_code == 1


def test_unreadable_input_exits_3_and_wins_over_1(docs):
    assert run(docs / "broken.png").exit_code == 3
    result = run(docs / "claim.pdf", docs / "broken.png", "--format", "json")
    assert result.exit_code == 3
    report = json.loads(result.output)
    assert [d["status"] for d in report["documents"]] == ["ok", "error"]


def test_missing_path_is_reported_and_the_batch_goes_on(docs, tmp_path):
    missing = tmp_path / "does-not-exist.pdf"
    result = run(docs / "claim.pdf", missing, "--format", "json")
    assert result.exit_code == 3, result.output
    report = json.loads(result.output)
    assert [d["status"] for d in report["documents"]] == ["ok", "error"]
    error = report["documents"][1]["error"]
    assert error["code"] == "unreadable" and "does-not-exist.pdf" in error["message"]
    assert "check the path" in error["message"]


def test_a_path_given_that_may_not_be_read_is_not_a_usage_error(docs, monkeypatch):
    """A file or folder named on the command line that the user may not read stopped the whole batch with
    a usage error (exit 2, no report): a pre-commit hook names every file. The scan reads it and says why not."""
    refused = str(docs / "clean.pdf")
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: os.fspath(path) != refused and access(path, mode, **kw))
    result = run(docs / "claim.pdf", refused, "--format", "json")
    assert result.exit_code != 2, result.output
    assert [d["path"] for d in json.loads(result.output)["documents"]] == [str(docs / "claim.pdf"), refused]


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_an_output_named_like_a_missing_path_given_is_refused(docs, tmp_path, option):
    """A missing path given is reported, not refused: the report must not then be written where it was named."""
    missing = tmp_path / "missing.json"
    result = CliRunner().invoke(cli, ["scan", str(missing), str(docs / "clean.pdf"), option, str(missing)])
    assert result.exit_code == 2 and "is one of the paths given to scan" in result.output
    assert not missing.exists()


@pytest.mark.parametrize("args, words", [
    (["--exclude", "", "{clean}"], "empty GLOB"),
    (["", "{clean}"], "an empty PATH names no file"),
    (["--date", "23/11/2026", "{clean}"], "--date"),
    (["--jobs", "0", "{clean}"], "jobs"),
    (["--format", "pdf", "{clean}"], "format"),
    (["--fail-on", "sometimes", "{clean}"], "fail-on"),
    (["--register", "{broken}", "{clean}"], "broken.png"),
    (["--kit", "{root}", "{clean}"], "spec"),
    ([], "Missing argument"),
    # Empty (an unset shell variable): the default register, or every rule, was used without a word.
    (["--register", "", "{clean}"], "'--register': is empty (an unset shell variable?)"),
    (["--kit", " ", "{clean}"], "'--kit': is empty"),
    (["--select", "", "{clean}"], "'--select': names no rule (an unset shell variable?)"),
    (["--ignore", " , ", "{clean}"], "'--ignore': names no rule"),
    (["--severity", "", "{clean}"], "give such as no-qualification=error"),
    (["--baseline", "", "{clean}"], "'--baseline': is empty"),
    (["-o", "", "{clean}"], "'-o' / '--output': is empty"),
    (["--write-baseline", "", "{clean}"], "'--write-baseline': is empty"),
    (["--config", "", "{clean}"], "'--config': is empty"),
])
def test_usage_errors_exit_2(docs, args, words):
    filled = [a.format(clean=docs / "clean.pdf", broken=docs / "broken.png", root=docs) for a in args]
    result = CliRunner().invoke(cli, ["scan", *filled])
    assert result.exit_code == 2, result.output
    assert words in result.output


def test_existing_output_is_kept_without_force(docs, tmp_path):
    out = tmp_path / "report.json"
    out.write_text("keep me")
    result = run(docs / "clean.pdf", "--format", "json", "-o", out)
    assert result.exit_code == 2 and "--force" in result.output and out.read_text() == "keep me"
    assert run(docs / "clean.pdf", "--format", "json", "-o", out, "--force").exit_code == 0
    assert json.loads(out.read_text())["schema"] == "htq-mark.scan-report/1"


def test_internal_error_exits_4(monkeypatch, docs, capsys):
    import htq_mark.scanner as scan_package

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(scan_package, "scan_iter", broken)
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", str(docs / "clean.pdf")])
    assert exit_info.value.code == 4
    assert "internal error" in capsys.readouterr().err


def test_a_bug_while_scanning_a_document_exits_4_and_names_it(monkeypatch, docs, tmp_path):
    # The scan runs in worker processes: each one loads this bug (a NumPy call gone wrong) at start-up.
    (tmp_path / "sitecustomize.py").write_text(
        "import numpy as np\nimport htq_mark.scanner._detect as detect\n"
        "detect.find_marks = lambda *args, **kwargs: np.reshape(np.zeros(3), (2, 2))\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), *sys.path]))
    result = run("--format", "json", docs / "post.png", docs / "broken.png")
    assert result.exit_code == 4, result.output
    documents = {Path(d["path"]).name: d for d in json.loads(result.stdout)["documents"]}
    assert documents["post.png"]["error"]["code"] == "internal-error"
    assert "please report it" in documents["post.png"]["error"]["message"]
    assert documents["broken.png"]["error"]["code"] == "unreadable"


def test_json_report_matches_the_published_schema(docs):
    from htq_mark.reports import load_schema

    result = run(docs, "--format", "json", "--fail-on", "never")
    report = json.loads(result.output)
    jsonschema.validate(report, load_schema())
    assert report["on_date"] == "2026-11-23"
    assert [d["path"].rsplit("/", 1)[-1] for d in report["documents"]] == [
        "broken.png", "claim.pdf", "clean.pdf", "marked.pdf", "post.png"]
    assert result.exit_code == 3


@pytest.mark.parametrize("fmt, starts", [("sarif", '{'), ("html", "<!DOCTYPE html>")])
def test_other_formats_are_written(docs, tmp_path, fmt, starts):
    out = tmp_path / f"report.{fmt}"
    result = run(docs / "marked.pdf", "--format", fmt, "-o", out, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").lstrip().startswith(starts)


def test_limits_from_the_command_line(docs):
    result = run(docs / "post.png", "--max-pixels", "1000", "--format", "json")
    assert result.exit_code == 3
    assert json.loads(result.output)["documents"][0]["error"]["code"] == "too-large"
    result = run(docs / "clean.pdf", "--max-document-pages", "1", "--timeout", "60")
    assert result.exit_code == 0


def test_jobs_beyond_eight_per_core_is_a_usage_error_naming_the_flag(docs):
    result = CliRunner().invoke(cli, ["scan", "--jobs", "100000", str(docs / "clean.pdf")])
    assert result.exit_code == 2
    assert f"--jobs {8 * default_jobs()}" in result.output and "Traceback" not in result.output


def test_the_page_limit_of_a_pdf_is_max_document_pages(docs, tmp_path):
    two = tmp_path / "two.pdf"
    two.write_bytes(pdf_pages([text_fragment("one", x=50, y=50), text_fragment("two", x=50, y=50)]))
    result = run(two, "--max-document-pages", "1", "--format", "json")
    assert result.exit_code == 3
    assert json.loads(result.output)["documents"][0]["error"]["code"] == "too-large"


@pytest.mark.parametrize("config", [None, "max-pages = 3\n"])
def test_max_pages_without_a_crawl_is_refused_not_ignored(docs, tmp_path, config):
    """--max-pages caps a crawl; a 0.1 command or config that meant a PDF's page limit is told what to use."""
    arguments = ["--max-pages", "3"] if config is None else ["--config", tmp_path / "htq-mark.toml"]
    if config is not None:
        (tmp_path / "htq-mark.toml").write_text(config, encoding="utf-8")
    result = run(docs / "clean.pdf", *arguments)
    assert result.exit_code == 2
    assert "--max-document-pages" in result.output and "Traceback" not in result.output
    assert ("htq-mark.toml: max-pages" in result.output) == (config is not None)


def test_a_config_written_for_crawls_may_hold_max_pages_in_a_plain_scan(docs, tmp_path):
    (tmp_path / "htq-mark.toml").write_text("max-pages = 300\ndelay = 2\n", encoding="utf-8")
    result = run(docs / "clean.pdf", "--config", tmp_path / "htq-mark.toml")
    assert result.exit_code == 0, result.output


def _report(*documents):
    return ScanReport(generator_version="0", on_date="2026-11-23", kit={}, register={}, documents=documents)


def _doc(*severities, error=None):
    findings = tuple(Finding(rule="too-small", severity=s, page=1, mark=None, bbox=None, message="m", fix=None)
                     for s in severities)
    return DocumentResult(path="x", sha256=None, type="pdf", status="error" if error else "ok",
                          error=error, findings=findings)


@pytest.mark.parametrize("documents, fail_on, code", [
    ((_doc(),), "error", 0),
    ((_doc("warning"),), "error", 0),
    ((_doc("warning"),), "warning", 1),
    ((_doc("info"),), "warning", 0),
    ((_doc("error"),), "error", 1),
    ((_doc("error"),), "never", 0),
    ((_doc("error"), _doc(error=DocumentError("timeout", "x"))), "error", 3),
    ((_doc(error=DocumentError("encrypted", "x")),), "never", 3),
    # A note code alone keeps the default threshold: adding one used to stop errors failing.
    ((_doc("error"),), ("polyglot",), 1),
    ((_doc("warning"),), ("polyglot",), 0),
    ((_doc("error"),), ("never", "polyglot"), 0),
    ((_doc("warning"),), ("warning", "polyglot"), 1),
])
def test_exit_status_table(documents, fail_on, code):
    assert exit_status(_report(*documents), fail_on) == code


def test_never_with_a_severity_is_a_usage_error_before_scanning(docs):
    result = run(docs / "marked.pdf", "--fail-on", "never", "--fail-on", "error")
    assert result.exit_code == 2 and "never cannot go with a severity" in result.output
    assert "Summary" not in result.output


def test_ocr_reads_text_in_pictures_unless_told_not_to(docs, tmp_path):
    from tests.scanner.test_ocr import _mark_and_text

    post = tmp_path / "withdrawn-post.png"
    post.write_bytes(encode(_mark_and_text(EXAMPLE_WITHDRAWN_ID), "PNG"))
    read = run(post, "--ocr", "auto")
    assert read.exit_code == 1 and "not-entitled" in read.output
    unread = run(post, "--ocr", "never")
    assert unread.exit_code == 0 and "not-entitled" not in unread.output


def test_an_unknown_ocr_mode_is_a_usage_error(docs):
    result = run(docs / "post.png", "--ocr", "sometimes")
    assert result.exit_code == 2 and "always" in result.output


def test_the_report_never_replaces_a_file_being_scanned(tmp_path):
    document = tmp_path / "b.pdf"
    document.write_bytes(b"%PDF-1.4 not really")
    before = document.read_bytes()
    result = CliRunner().invoke(cli, ["scan", str(document), "--format", "json", "-o", str(document), "--force"])
    assert result.exit_code == 2 and "is one of the files to scan" in result.output
    assert result.output.count("\n") == 1 and "Usage:" not in result.output  # one line, as other errors
    assert document.read_bytes() == before


def test_a_report_may_go_beside_the_kits_files_but_not_over_them(tmp_path):
    import shutil

    for part in ("guidelines", "assets"):
        shutil.copytree(Path(htq_mark.load_kit().root, part), tmp_path / "kit" / part)
    document = tmp_path / "b.pdf"
    document.write_bytes(b"%PDF-1.4 not really")
    beside = tmp_path / "kit" / "assets" / "report.json"
    beside.write_text("an earlier report")
    scan = ["scan", str(document), "--kit", str(tmp_path / "kit"), "--format", "json", "--force", "-o"]
    assert CliRunner().invoke(cli, [*scan, str(beside)]).exit_code in (0, 1, 3)
    assert json.loads(beside.read_text())["schema"] == "htq-mark.scan-report/1"
    artwork = tmp_path / "kit" / "assets" / "htq-mark-colour.svg"
    before = artwork.read_bytes()
    refused = CliRunner().invoke(cli, [*scan, str(artwork)])
    assert refused.exit_code == 2 and "is one of the kit's files" in refused.output
    assert artwork.read_bytes() == before


def _saved_elsewhere(message: str) -> Path:
    """The file a message says the report (or baseline) was saved to instead."""
    return Path(message.split(" was saved to ")[1].split(" instead")[0])


@pytest.mark.parametrize("way", ["standard-input", "file-url", "followed-link", "unknown-kind-in-folder",
                                 "register", "register-from-environment", "baseline", "config", "kit"])
def test_the_report_never_replaces_a_file_the_scan_reads_however_it_is_named(tmp_path: Path, way: str) -> None:
    """Each way once replaced the file with --force; where the scan has run, the report is kept elsewhere."""
    register_csv = subprocess.run([sys.executable, "-m", "htq_mark", "register", "export", "--format", "csv"],
                                  capture_output=True, check=True, timeout=120).stdout
    document = pdf_pages([text_fragment(f"HNC QN {EXAMPLE_ENTITLED_ID}", x=50, y=50)])
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "course.pdf").write_bytes(document)
    target = tmp_path / "kept.pdf"
    target.write_bytes(document)
    stdin = None
    arguments: list[str] = [str(folder)]
    environment = {key: value for key, value in os.environ.items() if key not in ("HTQ_MARK_REGISTER", "HTQ_MARK_KIT")}
    if way == "standard-input":
        arguments, stdin = ["-"], open(target, "rb")  # noqa: SIM115 - closed below
    elif way == "file-url":
        arguments = [f"file://{target}"]
    elif way == "followed-link":
        target = tmp_path / "kept"  # not named like a document (a report so named is refused before the scan)
        target.write_bytes(document)
        (folder / "link.pdf").symlink_to(target)
        arguments += ["--follow-symlinks"]
    elif way == "unknown-kind-in-folder":
        target = folder / "draft.pdf"
        target.write_bytes(b"notes, not a PDF")
    elif way in ("register", "register-from-environment"):
        target = tmp_path / "register.csv"
        target.write_bytes(register_csv)
        arguments += ["--register", str(target)] if way == "register" else []
        environment["HTQ_MARK_REGISTER"] = str(target)
    elif way == "kit":
        import shutil

        for part in ("guidelines", "assets"):
            shutil.copytree(Path(htq_mark.load_kit().root, part), tmp_path / "kit" / part)
        target = tmp_path / "kit" / "guidelines" / "spec.toml"
        arguments += ["--kit", str(tmp_path / "kit")]
    elif way == "baseline":
        target = tmp_path / "baseline.json"
        subprocess.run([sys.executable, "-m", "htq_mark", "scan", str(folder), "--format", "json", "-o", str(target),
                        "--fail-on", "never"], check=True, timeout=300)
        arguments += ["--baseline", str(target)]
    elif way == "config":
        target = tmp_path / "htq-mark.toml"
        target.write_text('fail-on = "never"\n', encoding="utf-8")
        arguments += ["--config", str(target)]
    before = target.read_bytes()
    try:
        done = subprocess.run([sys.executable, "-m", "htq_mark", "scan", "--jobs", "1", *arguments,
                               "-o", str(target), "--force"], stdin=stdin, capture_output=True, text=True,
                              timeout=300, cwd=tmp_path, env=environment)
    finally:
        if stdin is not None:
            stdin.close()
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and target.read_bytes() == before
    if way == "followed-link":  # found only as it is scanned: the report is kept
        assert "is one of the files scanned" in done.stderr
        assert "course.pdf" in _saved_elsewhere(done.stderr).read_text(encoding="utf-8")
    elif way == "unknown-kind-in-folder":  # scanned for its name, as a report so named is refused before the scan
        assert "the suffix .pdf is a document's" in done.stderr
    else:
        assert any(words in done.stderr for words in ("is one of the files to scan", "is a file this scan reads",
                                                      "is one of the kit's files"))


@pytest.mark.parametrize(("way", "words"), [
    ("document", "is one of the files to scan; write the report elsewhere"),
    ("document-in-folder", "is one of the files to scan; write the report elsewhere"),
    ("baseline", "is a file this scan reads"),
    ("next-baseline-into-the-baseline", "is a file this scan reads (its register, baseline, config file or URL "
                                        "list); write the baseline elsewhere"),
])
def test_standard_output_appended_to_a_file_the_scan_reads_is_refused(tmp_path: Path, way: str,
                                                                       words: str) -> None:
    """``>> FILE``: the shell opens the file before the scan; before, the report was appended to it."""
    folder = tmp_path / "docs"
    folder.mkdir()
    document = folder / "course.pdf"
    document.write_bytes(pdf_pages([text_fragment(f"HNC QN {EXAMPLE_ENTITLED_ID}", x=50, y=50)]))
    baseline = tmp_path / "baseline.json"
    subprocess.run([sys.executable, "-m", "htq_mark", "scan", str(folder), "--format", "json", "-o", str(baseline),
                    "--fail-on", "never"], check=True, timeout=300)
    arguments = {"document": [str(document)], "document-in-folder": [str(folder)],
                 "baseline": [str(folder), "--baseline", str(baseline), "--format", "json"],
                 "next-baseline-into-the-baseline": [str(folder), "--baseline", str(baseline), "--write-baseline", "-",
                                                     "-o", str(tmp_path / "report.json")]}[way]
    target = baseline if "baseline" in way else document
    before = target.read_bytes()
    with open(target, "ab") as appended:
        done = subprocess.run([sys.executable, "-m", "htq_mark", "scan", "--jobs", "1", *arguments], stdout=appended,
                              stderr=subprocess.PIPE, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"standard output ({target}) {words}" in " ".join(done.stderr.split())
    assert target.read_bytes() == before


@pytest.mark.parametrize("what", ["report", "baseline"])
@pytest.mark.parametrize("way", ["followed-link", "unknown-kind-in-folder"])
def test_standard_output_appended_to_a_file_found_only_as_it_is_scanned_is_kept(tmp_path: Path, way: str,
                                                                                what: str) -> None:
    """``>> FILE`` where FILE is reached through a followed link (or is a document of unknown kind in a folder given):
    before, the report was appended to it. Now it is kept, and the output saved in the temporary folder."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "course.pdf").write_bytes(pdf_pages([text_fragment(f"HNC QN {EXAMPLE_ENTITLED_ID}", x=50, y=50)]))
    arguments = [str(folder)]
    if way == "followed-link":
        target = tmp_path / "kept.pdf"
        target.write_bytes((folder / "course.pdf").read_bytes())
        (folder / "link.pdf").symlink_to(target)
        arguments += ["--follow-symlinks"]
    else:
        target = folder / "draft.pdf"
        target.write_bytes(b"notes, not a PDF")
    if what == "baseline":
        arguments += ["--write-baseline", "-", "-o", str(tmp_path / "report.json")]
    before = target.read_bytes()
    with open(target, "ab") as appended:
        done = subprocess.run([sys.executable, "-m", "htq_mark", "scan", "--jobs", "1", "--format", "json",
                               "--ocr", "never", *arguments], stdout=appended, stderr=subprocess.PIPE, text=True,
                              timeout=300, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    message = " ".join(done.stderr.split())
    assert f"standard output ({target}) is one of the files scanned; the {what} was saved to" in message
    assert target.read_bytes() == before and "Traceback" not in done.stderr
    saved = json.loads(_saved_elsewhere(message).read_text(encoding="utf-8"))
    assert any(document["path"].endswith("course.pdf") for document in saved["documents"])
    if what == "baseline":  # the report still went where -o said
        assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["documents"]


def test_standard_output_to_another_file_is_written(tmp_path: Path) -> None:
    document = tmp_path / "course.pdf"
    document.write_bytes(pdf_pages([text_fragment(f"HNC QN {EXAMPLE_ENTITLED_ID}", x=50, y=50)]))
    with open(tmp_path / "report.json", "wb") as report:
        done = subprocess.run([sys.executable, "-m", "htq_mark", "scan", "--jobs", "1", str(document), "--format",
                               "json"], stdout=report, stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["documents"][0]["status"] == "ok"


def test_a_baseline_may_be_updated_in_place(docs: Path, tmp_path: Path) -> None:
    """It is read before the scan and replaced after it (refused for a while as a file the scan reads)."""
    baseline = tmp_path / "baseline.json"
    assert run(docs / "marked.pdf", "--format", "json", "-o", baseline, "--fail-on", "never").exit_code == 0
    before = json.loads(baseline.read_text(encoding="utf-8"))
    result = run(docs / "marked.pdf", docs / "clean.pdf", "--baseline", baseline, "--write-baseline", baseline,
                 "--force")
    assert result.exit_code == 0, result.output  # every finding is in the baseline
    after = json.loads(baseline.read_text(encoding="utf-8"))
    assert len(after["documents"]) == len(before["documents"]) + 1


@pytest.mark.parametrize(("again", "quiet", "warned"), [("same", False, False), ("other", False, True),
                                                    ("other", True, False), ("fixed", False, False),
                                                    ("new", False, False)])
def test_a_baseline_naming_none_of_the_documents_is_warned_of(docs: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch, again: str,
                                                              quiet: bool, warned: bool) -> None:
    """Before, a baseline made with other paths (another folder, ./ or absolute) silently suppressed nothing.
    A document fixed since, scanned beside a new one with findings, is named: no warning (and -q keeps quiet).
    Nor is a document new since the baseline, alone (a pre-commit hook scanning a file just added): it was
    warned of as if the baseline's paths were given otherwise."""
    baseline = tmp_path / "baseline.json"
    monkeypatch.chdir(docs.parent)
    claim = Path(docs.name) / "claim.pdf"
    assert run(claim, "--format", "json", "-o", baseline, "--fail-on", "never").exit_code == 0
    new = tmp_path / "added.pdf"
    new.write_bytes(claim.read_bytes())
    given = {"same": [claim], "other": [docs / "claim.pdf"], "fixed": [Path(docs.name) / "clean.pdf", claim],
             "new": [new]}[again]
    if again == "fixed":  # the baseline held claim.pdf's findings; now it names clean.pdf's path instead
        data = json.loads(baseline.read_text(encoding="utf-8"))
        data["documents"][0]["path"] = str(Path(docs.name) / "clean.pdf")
        baseline.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", "--date", "2026-11-23", "--jobs", "1", *map(str, given), "--baseline",
                                      str(baseline), *(["-q"] if quiet else [])])
    assert result.exit_code == (0 if again == "same" else 1), result.output
    assert ("the baseline names none of the documents scanned" in result.stderr) is warned
    if warned:
        assert f"({claim}, which may be {docs / 'claim.pdf'} here)" in result.stderr


@pytest.mark.parametrize(("given", "warned"), [("logo.pdf", False), ("{root}/docs/sub/logo.pdf", True)])
def test_a_new_document_sharing_a_baseline_documents_name_is_not_taken_for_it(
        docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str, warned: bool) -> None:
    """A new logo.pdf beside a baseline's docs/sub/logo.pdf (other content) was warned of as the baseline's
    document given by another path; the same file given by its absolute path is."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "sub" / "logo.pdf").write_bytes((docs / "claim.pdf").read_bytes())
    (tmp_path / "logo.pdf").write_bytes((docs / "marked.pdf").read_bytes())
    baseline = tmp_path / "baseline.json"
    assert run("docs/sub/logo.pdf", "--format", "json", "-o", baseline, "--fail-on", "never").exit_code == 0
    result = CliRunner().invoke(cli, ["scan", "--date", "2026-11-23", "--jobs", "1", given.format(root=tmp_path),
                                      "--baseline", str(baseline)])
    assert result.exit_code in (0, 1) and json.loads(baseline.read_text())["documents"], result.output
    assert ("the baseline names none of the documents scanned" in result.stderr) is warned, result.stderr


def test_the_report_is_written_even_when_the_baseline_cannot_be(docs: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The baseline used to be written first: its failure, after the whole scan, lost the report too."""
    from htq_mark.cli import _scan

    gone = tmp_path / "gone"
    gone.mkdir()
    real = _scan.write_or_fall_back

    def folder_removed_meanwhile(path, data, **options):  # type: ignore[no-untyped-def]
        if Path(path).parent == gone:
            gone.rmdir()
        return real(path, data, **options)

    monkeypatch.setattr(_scan, "write_or_fall_back", folder_removed_meanwhile)
    report = tmp_path / "report.json"
    result = run(docs / "clean.pdf", "-o", report, "--write-baseline", gone / "baseline.json")
    assert result.exit_code == 2, result.output
    assert json.loads(report.read_text(encoding="utf-8"))["documents"]
    assert "baseline.json" in result.output and "Traceback" not in result.output
    assert json.loads(_saved_elsewhere(result.output).read_text(encoding="utf-8"))["documents"]


def test_a_link_to_nowhere_as_the_output_is_refused_before_scanning_and_replaced_with_force(
        docs: Path, tmp_path: Path) -> None:
    link = tmp_path / "report.json"
    link.symlink_to(tmp_path / "nowhere.json")
    refused = run(docs / "clean.pdf", "-o", link)
    assert refused.exit_code == 2 and "already exists" in refused.output and "--force" in refused.output
    assert "force=True" not in refused.output and "saved to" not in refused.output  # before scanning
    assert run(docs / "clean.pdf", "-o", link, "--force").exit_code == 0
    assert not link.is_symlink() and json.loads(link.read_text(encoding="utf-8"))["documents"]
    assert not (tmp_path / "nowhere.json").exists()  # the link was replaced, not written through


def test_the_report_and_the_baseline_named_through_a_linked_folder_are_one_file(docs: Path, tmp_path: Path) -> None:
    (tmp_path / "same.json").write_text("{}", encoding="utf-8")
    (tmp_path / "alias").symlink_to(tmp_path)
    result = run(docs / "clean.pdf", "-o", tmp_path / "same.json", "--write-baseline", tmp_path / "alias" / "same.json",
                 "--force")
    assert result.exit_code == 2 and "name the same file" in result.output
    assert (tmp_path / "same.json").read_text(encoding="utf-8") == "{}"


def _files_of_at_most_4_kb() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000))


@pytest.mark.parametrize("report_format", ["json", "html"])
def test_a_temporary_folder_without_room_is_a_clear_error(docs: Path, report_format: str) -> None:
    """The report's documents wait in the temporary folder: when it filled, the scan ended in an internal
    error, or blamed standard output."""
    inputs = [str(docs / "marked.pdf")] * 20
    done = subprocess.run([sys.executable, "-m", "htq_mark", "scan", "--jobs", "1", "--format", report_format, *inputs],
                          preexec_fn=_files_of_at_most_4_kb, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HTQ_MARK_CACHE_DIR": ""})
    assert done.returncode == 2, done.stderr
    # The limit that stopped it holds in any folder: it is named, rather than TMPDIR suggested.
    assert "could not be kept in the temporary folder" in done.stderr
    assert "at most 4,000 bytes (ulimit -f); raise that limit" in done.stderr
    assert "internal error" not in done.stderr and "standard output" not in done.stderr


@pytest.mark.parametrize("closed", ["stdout", "stderr"])
def test_a_closed_standard_stream_is_no_internal_error(docs: Path, tmp_path: Path, closed: str) -> None:
    report = tmp_path / "report.json"
    redirect = ">&-" if closed == "stdout" else f'-o "{report}" 2>&-'
    script = f'exec "{sys.executable}" -m htq_mark scan --jobs 1 "{docs / "clean.pdf"}" {redirect}'
    done = subprocess.run(["sh", "-c", script], capture_output=closed == "stdout", text=True, timeout=300)
    if closed == "stdout":
        assert done.returncode == 2 and "standard output is closed" in done.stderr, done.stderr
    else:  # nowhere to show progress or messages: the report is still written
        assert done.returncode == 0 and json.loads(report.read_text(encoding="utf-8"))["documents"]


@pytest.mark.parametrize("value", ["inf", "nan"])
def test_a_timeout_that_is_not_finite_is_a_usage_error(tmp_path, value):
    document = tmp_path / "a.png"
    document.write_bytes(b"not a png")
    result = CliRunner().invoke(cli, ["scan", str(document), "--timeout", value])
    assert result.exit_code == 2 and "finite" in result.output and "Traceback" not in result.output


def test_a_full_standard_output_is_a_clear_error_not_an_internal_one(docs):
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "htq_mark", "scan", "--date", "2026-11-23",
                               str(docs / "clean.pdf")], stdout=full, stderr=subprocess.PIPE, timeout=300)
    assert done.returncode == 2, done.stderr
    assert b"could not be written to standard output" in done.stderr and b"Traceback" not in done.stderr


def test_a_report_is_never_written_over_a_document_inside_a_folder_scanned(tmp_path):
    folder = tmp_path / "brochures"
    folder.mkdir()
    document = pdf_pages([text_fragment(f"HNC QN {EXAMPLE_ENTITLED_ID}", x=50, y=50)])
    (folder / "course.pdf").write_bytes(document)
    refused = run(folder, "-o", folder / "course.pdf", "--format", "json", "--force")
    assert refused.exit_code == 2 and "is one of the files to scan" in refused.output
    assert (folder / "course.pdf").read_bytes() == document
    (folder / "report.json").write_text("{}", encoding="utf-8")  # not a document: replaced with --force
    assert run(folder, "-o", folder / "report.json", "--force").exit_code == 0
    assert json.loads((folder / "report.json").read_text(encoding="utf-8"))["documents"]
