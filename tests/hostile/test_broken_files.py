"""Broken files: each ends ``ok`` (what could be read was scanned) or ``error`` with a contract code
and a message naming the file; never a traceback, and the batch goes on past every one of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from htq_mark.scanner import ScanReport, scan

from . import _build
from ._child import REPO_ROOT

CONTRACT_CODES = {"unreadable", "encrypted", "unsupported", "too-large", "timeout"}
PASSWORD = "s3cret-pass"


def _tiny_page_pdf() -> bytes:
    return _build.page_pdf(b"0 0 1 rg 0 0 1 1 re f", size=(1.0, 1.0))


def _two_pages_one_garbled() -> bytes:
    good = _build.marked_pdf()
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Mark 10 0 R >> >> "
           b"/Contents 4 0 R >>",
        4: _build.stream(b"", _build.mark_draw()),
        5: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 77 0 R /Contents 6 0 R >>",
        6: _build.stream(b"/Filter [/FlateDecode /DCTDecode /LZWDecode]", b"\x00" * 300),
        10: _build.image_xobject(_build.mark_rgb()),
    }
    assert good  # the same mark image as the other marked files
    return _build.pdf(objects)


# name -> (bytes, outcomes accepted, marks expected when ok, fragment expected in the error message)
def _cases() -> dict[str, tuple[bytes, set[str], int | None, str]]:
    good = _build.marked_pdf()
    png = _build.marked_image("PNG")
    jpeg = _build.marked_image("JPEG")
    return {
        "zero-bytes.pdf": (b"", {"unreadable"}, None, "empty"),
        "zero-bytes.png": (b"", {"unreadable"}, None, "empty"),
        "truncated-10-bytes.pdf": (good[:10], {"unreadable"}, None, "damaged"),
        "truncated-half.pdf": (good[: len(good) // 2], {"unreadable", "ok"}, None, "PDF"),
        "truncated-at-xref.pdf": (_build.without_xref(good), {"unreadable", "ok"}, None, "PDF"),
        "truncated-half.png": (png[: len(png) // 2], {"unreadable"}, None, "PNG"),
        "truncated-half.jpg": (jpeg[: len(jpeg) // 2], {"unreadable", "ok"}, None, "JPEG"),
        "png-named.pdf": (png, {"ok"}, 1, ""),
        "pdf-named.jpg": (good, {"ok"}, 1, ""),
        "text-named.pdf": (b"Quarterly newsletter\nnot a PDF at all\n", {"unsupported"}, None, "not a PDF"),
        "zip-named.png": (b"PK\x03\x04" + b"\x00" * 200, {"unsupported"}, None, "ZIP"),
        "header-then-junk.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 8, {"unreadable"}, None, "damaged"),
        "corrupt-xref.pdf": (_build.corrupt_xref(good), {"ok"}, 1, ""),
        "bad-content-stream.pdf": (_build.bad_content_stream(), {"ok"}, 1, ""),
        "lengths-999999999.pdf": (_build.wrong_length(good), {"ok"}, 1, ""),
        "broken-images-inside.pdf": (_build.broken_images_pdf(), {"ok"}, 1, ""),
        "one-page-garbled.pdf": (_two_pages_one_garbled(), {"ok"}, 1, ""),
        "tiny-page.pdf": (_tiny_page_pdf(), {"ok"}, 0, ""),
        "one-pixel.png": (_build.encode_rgb(_build.np.zeros((1, 1, 3), _build.np.uint8), "PNG"), {"ok"}, 0, ""),
        "tiff-ifd-loop.tif": (_build.tiff_frames(3, loop=True), {"ok"}, 0, ""),
        "encrypted.pdf": (_build.encrypted(good, PASSWORD), {"encrypted"}, None, "needs a password"),
    }


CASES = _cases()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("broken")
    _build.write_all(root, {name: data for name, (data, _, _, _) in CASES.items()})
    # Good files between the broken ones: the batch must go on and still find their marks.
    _build.write_all(root, {"zz-good.pdf": _build.marked_pdf(), "zz-good.png": _build.marked_image("PNG")})
    return root


@pytest.fixture(scope="module")
def report(folder: Path) -> ScanReport:
    paths = sorted(str(p) for p in folder.iterdir())
    return scan(paths, jobs=2, on="2025-06-01")


def _by_path(report: ScanReport) -> dict[str, Any]:
    return {d.path: d for d in report.documents}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_broken_file_ends_ok_or_with_a_contract_error(report: ScanReport, folder: Path, name: str) -> None:
    _, accepted, marks, fragment = CASES[name]
    document = _by_path(report)[str(folder / name)]
    outcome = document.status if document.status == "ok" else document.error.code
    assert outcome in accepted, (outcome, document.error, document.notes)
    if document.status == "error":
        assert document.error.code in CONTRACT_CODES
        message = document.error.message
        assert message.startswith(str(folder / name)), message
        assert fragment in message, message
        assert "Traceback" not in message and "internal error" not in message, message
        assert any(hint in message for hint in ("export", "save", "pass", "convert", "split", "raise")), message
    elif marks is not None:
        assert len(document.marks) == marks, document.marks


def test_the_batch_goes_on_past_every_broken_file(report: ScanReport, folder: Path) -> None:
    documents = _by_path(report)
    assert len(report.documents) == len(CASES) + 2
    for good in ("zz-good.pdf", "zz-good.png"):
        assert documents[str(folder / good)].status == "ok"
        assert len(documents[str(folder / good)].marks) == 1
    assert [d.path for d in report.documents] == sorted(str(p) for p in folder.iterdir())


def test_damage_that_was_worked_around_is_said(report: ScanReport, folder: Path) -> None:
    """Where part of a document could not be used, the result says so in its notes."""
    garbled = _by_path(report)[str(folder / "lengths-999999999.pdf")]
    assert garbled.status == "ok"
    assert garbled.notes, "a PDF whose structure pypdf cannot read gets a note"


def test_wrong_extensions_are_read_by_content(report: ScanReport, folder: Path) -> None:
    documents = _by_path(report)
    assert documents[str(folder / "png-named.pdf")].type == "png"
    assert documents[str(folder / "pdf-named.jpg")].type == "pdf"


@pytest.mark.parametrize(("password", "outcome", "fragment"), [
    (None, "encrypted", "needs a password"),
    ("wrong-password", "encrypted", "password given does not open"),
    (PASSWORD, "ok", ""),
])
def test_encrypted_pdf_with_no_wrong_or_right_password(tmp_path: Path, password: str | None, outcome: str,
                                                       fragment: str) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(CASES["encrypted.pdf"][0])
    other = tmp_path / "plain.png"
    other.write_bytes(_build.marked_image("PNG"))
    result = scan([str(path), str(other)], jobs=1, password=password, on="2025-06-01")
    locked, plain = result.documents
    assert plain.status == "ok"
    if outcome == "ok":
        assert locked.status == "ok" and len(locked.marks) == 1
    else:
        assert locked.error is not None and locked.error.code == outcome
        assert locked.error.message.startswith(str(path)) and fragment in locked.error.message
        assert "password=..." in locked.error.message


def test_cli_reports_broken_files_without_a_traceback(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "htq_mark", "scan", *sorted(str(p) for p in folder.iterdir()),
                           "--format", "json", "-o", str(out), "--jobs", "2", "--date", "2025-06-01"],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=600, check=False)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    # Only the tool's own lines: parsers' complaints about damaged files stay out of the way.
    assert all(line.startswith("htq-mark: ") for line in done.stderr.splitlines()), done.stderr
    data = json.loads(out.read_text())
    errors = [d for d in data["documents"] if d["status"] == "error"]
    assert errors and all(d["error"]["code"] in CONTRACT_CODES for d in errors)
    for document in errors:  # each error is also one line on stderr naming the file
        assert f"htq-mark: {document['error']['message']}" in done.stderr
