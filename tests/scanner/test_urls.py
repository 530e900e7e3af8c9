"""Documents named by fsspec URLs: file:// folders are listed, a file:// document is read by the scan
process, and URLs that cannot be read are error documents naming the URL. (http:// and https:// are
web pages, tested in tests/web.)"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import htq_mark
from htq_mark.scanner import expand_paths, scan
from htq_mark.scanner._urls import is_url

from ._make import canvas_with, encode, pdf_pages, text_fragment

KIT = htq_mark.load_kit()
ON = datetime.date(2026, 11, 23)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("urls")
    (root / "sub").mkdir()
    (root / "sub" / "post.png").write_bytes(encode(canvas_with(KIT, width=240), "PNG"))
    (root / "a.pdf").write_bytes(pdf_pages([text_fragment("plain", x=50, y=50)]))
    (root / "notes.txt").write_text("not a document")
    return root


@pytest.mark.parametrize(("text", "expected"), [
    ("s3://bucket/key.pdf", True), ("https://example.org/a.pdf", True), ("file:///tmp/a.pdf", True),
    ("gs://b/", True), ("a.pdf", False), ("/tmp/a://b.pdf", False), ("C:/docs/a.pdf", False),
])
def test_what_counts_as_a_url(text: str, expected: bool) -> None:
    assert is_url(text) is expected


def test_a_file_url_folder_is_listed_by_document_names_and_scanned_like_the_paths(folder: Path) -> None:
    url = f"file://{folder}"
    assert [d.path for d in expand_paths([url])] == [f"file://{folder}/a.pdf", f"file://{folder}/sub/post.png"]
    by_url = scan([url], kit=KIT, on=ON, jobs=1)
    by_path = scan([str(folder / "a.pdf"), str(folder / "sub" / "post.png")], kit=KIT, on=ON, jobs=1)
    assert [(d.sha256, d.status, d.marks, d.findings) for d in by_url.documents] == \
           [(d.sha256, d.status, d.marks, d.findings) for d in by_path.documents]


def test_a_file_url_is_read_by_the_scan_process(folder: Path) -> None:
    server = f"file://{folder}"
    report = scan([f"{server}/sub/post.png", f"{server}/missing.pdf"], kit=KIT, on=ON, jobs=2)
    found, missing = report.documents
    assert found.path == f"{server}/sub/post.png" and found.status == "ok" and len(found.marks) == 1
    assert missing.status == "error" and missing.error is not None and missing.error.code == "unreadable"
    assert missing.error.message.startswith(f"{server}/missing.pdf: cannot be read")


@pytest.mark.parametrize(("url", "message"), [
    ("gs://no-such-bucket/a.pdf", "install"),  # its package, gcsfs, is not installed
    ("az://no-such-container/a.pdf", "install"),  # nor adlfs
    ("nosuchprotocol://x/a.pdf", "is not a URL of stored files htq-mark reads"),
    # Each of these ended the whole batch in an internal error (fsspec reads them, each its own way).
    ("ftp://127.0.0.1:1/a.pdf", "is not a URL of stored files htq-mark reads"),
    ("tar://x", "is not a URL of stored files htq-mark reads"),
    ("github://a:b@/x.pdf", "is not a URL of stored files htq-mark reads"),
    ("reference://x", "is not a URL of stored files htq-mark reads"),
    ("zip://a.pdf::file:///tmp/a.zip", "is not a URL of stored files htq-mark reads"),
    ("file://x::file:///tmp", "is not a URL of stored files htq-mark reads"),
])
def test_a_url_that_cannot_be_read_here_is_an_error_document(url: str, message: str, folder: Path) -> None:
    report = scan([url, str(folder / "a.pdf")], kit=KIT, on=ON, jobs=1)
    bad, good = report.documents
    assert bad.path == url and bad.error is not None and bad.error.code == "unreadable"
    assert bad.error.message.startswith(f"{url}: ") and message in bad.error.message
    assert good.status == "ok"


def test_a_file_url_may_name_the_host_localhost(folder: Path) -> None:
    """fsspec took the host for a folder, so the file was not found."""
    report = scan([f"file://localhost{folder}/a.pdf"], kit=KIT, on=ON, jobs=1)
    assert report.documents[0].status == "ok"


def test_a_url_larger_than_the_limit_is_too_large(folder: Path) -> None:
    from htq_mark.scanner import Limits

    report = scan([f"file://{folder}/sub/post.png"], kit=KIT, on=ON, jobs=1, limits=Limits(max_file_bytes=1000))
    assert report.documents[0].error is not None and report.documents[0].error.code == "too-large"


def test_a_web_address_is_never_read_as_a_stored_file() -> None:
    from htq_mark.errors import UnreadableFileError
    from htq_mark.scanner._urls import list_url

    with pytest.raises(UnreadableFileError, match="is a web page"):
        list_url("https://127.0.0.1:9/a.pdf", frozenset({".pdf"}))


def test_a_url_listing_more_files_than_the_folder_limit_is_too_large(folder: Path) -> None:
    url = f"file://{folder}"
    assert len(expand_paths([url], max_entries=3)) == 2  # three files: a.pdf, notes.txt, sub/post.png
    refused, after = expand_paths([url, str(folder / "a.pdf")], max_entries=2)
    assert refused.path == url and refused.error is not None and refused.error.code == "too-large"
    assert refused.error.message.startswith(f"{url}: holds more than 2 files")
    assert "max_folder_entries" in refused.error.message
    assert after.path == str(folder / "a.pdf") and after.error is None  # the batch goes on
