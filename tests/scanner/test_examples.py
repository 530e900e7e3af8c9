"""The examples/ folder: small, reproducible, and scanned with the findings its README lists."""

import datetime
import importlib.util
from pathlib import Path

import htq_mark
from htq_mark.scanner import scan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXPECTED = {
    ("brochure.pdf", 2, "too-small"), ("brochure.pdf", 2, "low-contrast"), ("brochure.pdf", 2, "low-resolution"),
    ("brochure.pdf", 2, "not-entitled"), ("brochure.pdf", 2, "no-qualification"),
    ("social-post.png", 1, "distorted"), ("social-post.png", 1, "rotated"),
    ("web-banner.jpg", 1, "too-small"), ("web-banner.jpg", 1, "clear-space"),
}


def _maker():
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_examples_are_small():
    files = [EXAMPLES / name for name in ("brochure.pdf", "social-post.png", "web-banner.jpg")]
    assert all(f.is_file() for f in files)
    assert sum(f.stat().st_size for f in files) < 300_000


def test_the_script_gives_the_same_bytes_every_run(tmp_path):
    maker = _maker()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert maker.main(["--out", str(tmp_path / "a")]) == 0
    assert maker.main(["--out", str(tmp_path / "b")]) == 0
    for name in ("brochure.pdf", "social-post.png", "web-banner.jpg"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_scanning_the_examples_gives_the_findings_in_their_readme():
    report = scan([str(EXAMPLES)], kit=htq_mark.load_kit(), on=datetime.date(2026, 11, 23))
    found = {(Path(d.path).name, f.page, f.rule) for d in report.documents for f in d.findings}
    assert found == EXPECTED
    assert report.summary["marks"] == 7
    assert report.summary["findings"] == {"error": 8, "warning": 1, "info": 0}
