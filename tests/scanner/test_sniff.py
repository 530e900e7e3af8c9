import pytest

from htq_mark.scanner._sniff import describe_unsupported, sniff


@pytest.mark.parametrize("head, kind", [
    (b"%PDF-1.7\n", "pdf"),
    (b"junk before the header %PDF-1.4\n", "pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
    (b"II*\x00\x08\x00\x00\x00", "tiff"),
    (b"MM\x00*\x00\x00\x00\x08", "tiff"),
    (b"GIF89a\x01\x00", "gif"),
    (b"GIF87a\x01\x00", "gif"),
    (b"BM" + b"\x00" * 20, "bmp"),
    (b"BM", "unknown"),
    (b"PK\x03\x04", "unknown"),
    (b"hello world", "unknown"),
    (b"", "unknown"),
    (b"RIFF\x10\x00\x00\x00WAVEfmt ", "unknown"),
])
def test_type_comes_from_the_bytes(head, kind):
    assert sniff(head) == kind


@pytest.mark.parametrize("head, words", [
    (b"PK\x03\x04rest", "ZIP"),
    (b"<svg xmlns", "SVG"),
    (b"plain text", "export it as PDF or PNG"),
])
def test_unsupported_message_says_what_to_do(head, words):
    assert words in describe_unsupported(head)
