"""htq-mark scan writes each document out as it comes, holding none it has written.

(That the bytes are those of rendering the whole report is tested in tests/reports/test_writer.py.)"""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import htq_mark
from htq_mark.cli import cli
from htq_mark.reports import ReportWriter
from tests.scanner._make import canvas_with, encode, pdf_pages, text_fragment

KIT = htq_mark.load_kit()


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli-stream")
    for number in range(5):
        (root / f"page-{number}.pdf").write_bytes(pdf_pages([text_fragment(f"page {number}", x=50, y=50)]))
    (root / "post.png").write_bytes(encode(canvas_with(KIT, width=240), "PNG"))
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    return root


def test_the_command_holds_no_document_it_has_written(docs: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    alive: list[weakref.ref[Any]] = []
    held: list[int] = []
    add = ReportWriter.add

    def counting_add(self: ReportWriter, document: Any) -> None:
        gc.collect()
        held.append(sum(ref() is not None for ref in alive))
        alive.append(weakref.ref(document))
        add(self, document)

    monkeypatch.setattr(ReportWriter, "add", counting_add)
    report, baseline = tmp_path / "report.json", tmp_path / "baseline.json"
    result = CliRunner().invoke(cli, ["scan", "--date", "2026-11-23", "--jobs", "2", "-o", str(report),
                                      "--write-baseline", str(baseline), str(docs)])
    assert result.exit_code == 3, result.output  # broken.png cannot be read
    # Each document reaches the report's writer and the baseline's: 7 documents, 14 adds. At each, only
    # the document being added (to the second writer) is still held.
    assert len(held) == 14 and max(held) <= 1
    written = json.loads(report.read_text())
    assert [d["path"] for d in written["documents"]] == sorted(str(path) for path in docs.iterdir())
    assert json.loads(baseline.read_text())["documents"] == written["documents"]

