"""The whole shared corpus of real PDFs (none shows the mark): no mark, no finding, no crash."""

from pathlib import Path

import pytest

import htq_mark
from htq_mark.scanner import scan

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
CODES = {"unreadable", "encrypted", "unsupported", "too-large", "timeout"}


@pytest.mark.slow
def test_whole_corpus_has_no_marks_and_nothing_crashes():
    assert CORPUS.is_dir(), (f"the shared corpus is missing: expected it at {CORPUS.resolve()} "
                             "(../shared/corpus beside the repository)")
    report = scan([str(CORPUS)], kit=htq_mark.load_kit())
    assert len(report.documents) >= 480
    assert [d.path for d in report.documents if d.marks] == []
    assert [(d.path, f.rule) for d in report.documents for f in d.findings] == []
    errors = [d for d in report.documents if d.status == "error"]
    assert {d.error.code for d in errors} <= CODES
    assert [d.path for d in errors if "internal error" in d.error.message] == []
    assert len(errors) <= 20  # a handful are broken or encrypted on purpose
    assert sum(len(d.pages) for d in report.documents) >= 700
