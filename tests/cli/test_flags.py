"""The library names settings as Python (``force=True``, ``limits.max_seconds``); the command line shows its
flags instead, in errors and in the messages of the reports it writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from htq_mark.cli import cli
from htq_mark.cli._flags import document_with_flags, with_flags
from tests.reports import factory
from tests.reports.factory import page_png


@pytest.mark.parametrize(("library", "command_line"), [
    ("choose another output path or pass force=True to overwrite it.",
     "choose another output path or pass --force to overwrite it."),
    ("x.pdf: needs a password; pass it with password=....", "x.pdf: needs a password; pass it with --password."),
    ("raise limits.max_seconds or split the document.", "raise --timeout or split the document."),
    ("raise limits.max_pages.", "raise --max-document-pages."),
    ("raise limits.max_pixels_per_page.", "raise --max-pixels."),
    ("(raise limits.max_page_bytes=N).", "(raise --limit max_page_bytes=N)."),
    ("pass allow_private=True to scan it.", "pass --allow-private to scan it."),
    ("(pass follow_symlinks=True to follow it).", "(pass --follow-symlinks to follow it)."),
    ('scan with ocr="never".', "scan with --ocr never."),
    ("dpi=72 is below the print minimum; use dpi=150 or more", "--dpi 72 is below the print minimum; use --dpi 150 or more"),
    ("give qualification=... too, or leave out date=....", "give --qualification too, or leave out --date."),
    # Text that only looks like a setting is left alone: paths, unknown names, unknown limits.
    ("reports/format=old.pdf: cannot be read", "reports/format=old.pdf: cannot be read"),
    ("width=300 is fine; limits.nothing is not a limit", "width=300 is fine; limits.nothing is not a limit"),
    ("https://example.org/?force=True&dpi=72: blocked", "https://example.org/?force=True&dpi=72: blocked"),
])
def test_settings_read_as_flags(library: str, command_line: str) -> None:
    assert with_flags(library) == command_line


def test_a_documents_own_path_is_left_as_it_is() -> None:
    odd = " force=True.pdf"
    document = factory.error_document("too-large", path=odd, message=f"{odd}: raise limits.max_pages.")
    shown = document_with_flags(document)
    assert shown.error is not None and shown.error.message == f"{odd}: raise --max-document-pages."


def test_an_error_names_the_flag(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", "--variant", "colour", "--format", "png", "--width", "300px",
                                      "--date", "2026-01-01", "-o", str(tmp_path / "mark.png")])
    assert result.exit_code == 2
    assert "give --qualification too, or leave out --date" in result.output
    assert "qualification=..." not in result.output


def test_a_colour_space_error_names_the_flags(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", "--variant", "colour", "--format", "png", "--width", "300px",
                                      "--colour-space", "cmyk", "-o", str(tmp_path / "mark.png")])
    assert result.exit_code == 2
    assert "--colour-space cmyk is for pdf and eps only" in result.output and "--format pdf" in result.output


def test_a_reports_messages_name_the_flags(tmp_path: Path) -> None:
    image = tmp_path / "big.png"
    image.write_bytes(page_png(200, 100))
    result = CliRunner().invoke(cli, ["scan", str(image), "--max-pixels", "100", "--format", "json", "--jobs", "1"])
    assert result.exit_code == 3, result.output
    [document] = json.loads(result.stdout)["documents"]
    assert document["error"]["code"] == "too-large"
    assert "raise --max-pixels" in document["error"]["message"]
    assert "limits." not in document["error"]["message"]
