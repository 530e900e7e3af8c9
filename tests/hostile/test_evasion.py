"""Evasion: a document built so that the mark on it escapes judgement.

A file that is both a PNG and a PDF is scanned as each (its PDF pages carry the misuse every PDF
reader shows); a page dictionary the placement reader cannot read is said to be so in every report
format, as a coded note, and ``--fail-on`` can make it a failure.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from htq_mark.cli import cli

from . import _build

DATE = "2026-11-23"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_pdf_polyglot() -> bytes:
    """A plain white PNG carrying, in a private chunk, a PDF that shows a mark printed at 144 ppi."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, "PNG")
    png = buffer.getvalue()
    signature_and_header, rest = png[:33], png[33:]
    return signature_and_header + rest[:-12] + _chunk(b"pdFs", _build.marked_pdf()) + rest[-12:]


def deeply_nested_page(depth: int) -> bytes:
    """The 144-ppi mark of :func:`_build.marked_pdf`, its page dictionary holding an array ``depth`` deep."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Junk " + b"[" * depth + b"]" * depth
           + b" /Resources << /XObject << /Mark 10 0 R >> >> /Contents 4 0 R >>",
        4: _build.stream(b"/Filter /FlateDecode", zlib.compress(_build.mark_draw())),
        10: _build.image_xobject(_build.mark_rgb()),
    }
    return _build.pdf(objects)


def _scan(path: Path, *options: str) -> Result:
    return CliRunner().invoke(cli, ["scan", "--date", DATE, "--jobs", "1", *options, str(path)])


@pytest.fixture(scope="module")
def polyglot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("polyglot") / "photo.png"
    path.write_bytes(png_pdf_polyglot())
    return path


@pytest.fixture(scope="module")
def nested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("nested") / "brochure.pdf"
    path.write_bytes(deeply_nested_page(1000))
    return path


def test_the_polyglot_is_really_both() -> None:
    import pypdfium2
    from PIL import Image

    data = png_pdf_polyglot()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.size == (64, 64)
    document = pypdfium2.PdfDocument(data)
    try:
        assert len(document) == 1
    finally:
        document.close()


def test_a_png_that_is_also_a_pdf_is_scanned_as_each(polyglot: Path) -> None:
    result = _scan(polyglot, "--format", "json")
    assert result.exit_code == 1, result.output
    [document] = json.loads(result.output)["documents"]
    assert document["type"] == "png" and [p["unit"] for p in document["pages"]] == ["px", "pt"]
    assert [m["page"] for m in document["marks"]] == [2]
    assert ("low-resolution", "error", 2) in [(f["rule"], f["severity"], f["page"]) for f in document["findings"]]
    [note] = document["notes"]
    assert note["code"] == "polyglot" and note["severity"] == "warning" and "PNG and a valid PDF" in note["message"]


def test_a_broken_png_that_is_also_a_pdf_is_scanned_as_the_pdf(tmp_path: Path) -> None:
    data = bytearray(png_pdf_polyglot())
    data[16:24] = b"\xff" * 8  # the PNG header now claims an impossible size: no image reader takes it
    path = tmp_path / "photo.png"
    path.write_bytes(bytes(data))
    result = _scan(path, "--format", "json")
    assert result.exit_code == 1, result.output
    [document] = json.loads(result.output)["documents"]
    assert document["type"] == "pdf" and document["status"] == "ok"
    assert "low-resolution" in [f["rule"] for f in document["findings"]]
    assert [n["code"] for n in document["notes"]] == ["polyglot"]


def test_a_plain_png_naming_pdf_in_its_text_is_only_a_png(tmp_path: Path) -> None:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "%PDF-1.7 is not a PDF")
    path = tmp_path / "photo.png"
    Image.new("RGB", (64, 64), "white").save(path, "PNG", pnginfo=info)
    result = _scan(path, "--format", "json")
    assert result.exit_code == 0, result.output
    [document] = json.loads(result.output)["documents"]
    assert "notes" not in document and len(document["pages"]) == 1


def test_the_nested_page_hides_the_resolution_error_but_says_so(nested: Path, tmp_path: Path) -> None:
    control = tmp_path / "control.pdf"
    control.write_bytes(deeply_nested_page(1))
    plain = json.loads(_scan(control, "--format", "json").output)["documents"][0]
    assert "low-resolution" in [f["rule"] for f in plain["findings"]] and "notes" not in plain
    [document] = json.loads(_scan(nested, "--format", "json").output)["documents"]
    assert [note["code"] for note in document["notes"]] == ["structure-unreadable"]
    assert document["notes"][0]["page"] == 1 and document["notes"][0]["severity"] == "warning"


def test_every_report_format_carries_the_coded_note(nested: Path) -> None:
    text = _scan(nested).output
    assert f"{nested}:1: note: warning structure-unreadable page 1:" in text
    sarif = json.loads(_scan(nested, "--format", "sarif").output)
    notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [(n["descriptor"]["id"], n["level"]) for n in notifications] == [("structure-unreadable", "warning")]
    assert notifications[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    described = {n["id"] for n in sarif["runs"][0]["tool"]["driver"]["notifications"]}
    assert {"structure-unreadable", "polyglot", "symlink-outside", "symlink-loop"} <= described
    html = _scan(nested, "--format", "html").output
    assert "<strong>structure-unreadable</strong> (page 1)" in html


@pytest.mark.parametrize(("options", "status"), [
    ((), 0),
    (("--fail-on", "structure-unreadable"), 1),
    (("--fail-on", "error", "--fail-on", "structure-unreadable"), 1),
    (("--fail-on", "warning"), 1),
    (("--fail-on", "never"), 0),
    (("--fail-on", "polyglot"), 0),
])
def test_fail_on_can_make_an_unreadable_structure_a_failure(nested: Path, options: tuple[str, ...],
                                                            status: int) -> None:
    result = _scan(nested, "--format", "json", *options)
    assert result.exit_code == status, result.output
