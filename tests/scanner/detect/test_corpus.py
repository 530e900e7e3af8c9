"""No marks are invented on real documents: a sample of the shared corpus's pages (none shows the mark)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from htq_mark.kit import Kit
from htq_mark.scanner._detect import References, find_marks

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
EVERY = 12      # every twelfth PDF, first page: about forty pages
DPI = 150


def _sample() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.fail(f"{CORPUS}: the shared corpus of real PDFs is missing; it must sit beside the repository "
                    "(../shared/corpus with pdfjs/ and pypdf-samples/).")
    return sorted(CORPUS.rglob("*.pdf"))[::EVERY]


def _first_page(path: Path) -> np.ndarray | None:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
        bitmap = document[0].render(scale=DPI / 72)
        image = np.asarray(bitmap.to_pil().convert("RGB"), dtype=np.uint8)
    except pdfium.PdfiumError:  # broken and encrypted files are in the corpus on purpose; others test them
        return None
    return image if image.shape[0] * image.shape[1] <= 25_000_000 else None


def test_sampled_corpus_pages_show_no_mark(kit: Kit, refs: References) -> None:
    pages = [(path, image) for path in _sample() if (image := _first_page(path)) is not None]
    assert len(pages) >= 25, "too few readable pages in the sample"
    invented = {path.name: len(found) for path, image in pages if (found := find_marks(image, refs, spec=kit.spec))}
    assert invented == {}
