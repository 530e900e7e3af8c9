"""find_qualification_ids on the text of real documents that hold no qualification numbers."""

from __future__ import annotations

from pathlib import Path

from htq_mark.register import find_qualification_ids

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
PAGES_PER_DOCUMENT = 5


def _corpus_pdfs() -> list[Path]:
    assert CORPUS.is_dir(), (
        f"the real-document corpus is missing: expected it at {CORPUS} "
        "(the shared/corpus folder next to the repository)")
    return sorted(CORPUS.rglob("*.pdf"))


def test_no_ids_are_found_in_real_documents_without_any() -> None:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    characters = 0
    found: list[tuple[str, int, str]] = []
    for path in _corpus_pdfs():
        try:
            document = pdfium.PdfDocument(str(path))
            for number in range(min(len(document), PAGES_PER_DOCUMENT)):
                text = document[number].get_textpage().get_text_range()
                characters += len(text)
                found += [(path.name, number, text[start:end])
                          for _canonical, start, end in find_qualification_ids(text)]
        except pdfium.PdfiumError:
            continue  # broken and encrypted files are there on purpose
    assert characters > 100_000  # the text really was read
    assert found == []
