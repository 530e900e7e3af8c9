"""The scan worker process: ``main([PROGRAM, READ_FD, WRITE_FD, PARENT_PID])``.

Started by :func:`htq_mark.scanner.scan` as a plain child process (so the caller's
main module is never re-imported), importing the same copy of htq-mark as its
parent. It loads its libraries, receives its setup (kit, register, references,
options) once, then one document at a time (reading a URL's bytes itself), and
sends back each :class:`~htq_mark.scanner._results.DocumentResult`, all as pickles
over two pipes. It exits when its parent does, even in the middle of a document.
"""

from __future__ import annotations

import ctypes
import importlib
import logging
import os
import signal
import sys
import warnings
from multiprocessing.connection import Connection
from typing import Any

from ..errors import InputError, KitError
from ._document import scan_document
from ._inputs import InputDocument
from ._pool import with_references
from ._results import DocumentError, DocumentResult
from ._urls import read_url

_PR_SET_PDEATHSIG = 1


def _load_scanning_libraries() -> None:
    """Import what scanning needs before the first document, so its time limit is spent on it.

    pypdf is left until a PDF page shows a mark (it reads the document's structure then), and
    Pillow's rarer image plugins (WebP, TIFF) until such a file comes.
    """
    for library in ("cv2", "pypdfium2"):
        importlib.import_module(library)
    from PIL import Image

    from ._detect import find  # noqa: F401 - the detector loads NumPy and OpenCV on import

    Image.preinit()


def scan_input(item: InputDocument, setup: Any) -> DocumentResult:
    """Scan one document of a batch with the worker's setup; a URL is read here first."""
    source: Any = item.location if item.data is None else item.data
    if item.url is not None:
        try:
            source = read_url(item.url, item.path, setup.limits)
        except InputError as exc:
            return DocumentResult(path=item.path, sha256=None, type="unknown", status="error",
                                  error=DocumentError(exc.code, str(exc)))
    return scan_document(source, kit=setup.kit, register=setup.register, on=setup.on,
                         password=setup.password, limits=setup.limits, thumbnails=setup.thumbnails,
                         name=item.path, references=setup.references, ocr=setup.ocr)


def serve(incoming: Connection, outgoing: Connection) -> None:
    """Scan documents sent on ``incoming`` until told to stop (``None``) or the pipe closes."""
    try:
        # Libraries load while the parent prepares the setup (the detector's references, unless
        # they are on disk: then they are read here).
        _load_scanning_libraries()
        setup: Any = with_references(incoming.recv())
        if setup.single_threaded:
            import cv2

            cv2.setNumThreads(1)
    except KitError as exc:  # the kit's artwork could not be drawn in time: the parent says so
        outgoing.send(("kit-error", str(exc)))
        return
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the scan
        outgoing.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    outgoing.send(("ready", None))
    while True:
        try:
            task = incoming.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, item = task
        result = scan_input(item, setup)
        outgoing.send(("result", (index, result)))


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when its parent dies, however the parent ends (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux; the closed pipe still ends the worker
        pass
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(0)


def main(argv: list[str]) -> None:
    if len(argv) > 3:
        _die_with(int(argv[3]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops its workers
    # Parsers complain about damaged files on stderr (warnings, pypdf's log) without naming the
    # file; each result already says what could not be read, so the worker keeps stderr quiet.
    warnings.simplefilter("ignore")
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    read_fd, write_fd = int(argv[1]), int(argv[2])
    serve(Connection(read_fd, writable=False), Connection(write_fd, readable=False))
    # Every result has been sent and nothing is left to save: skip the interpreter's slow clean-up.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
