"""A slow document first, many fast ones after: the executors hand out no more than the lookahead
window beyond the oldest unfinished document, and the report is the same as ever."""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, overload

import pytest
from distributed import Client
from PIL import Image

from htq_mark.scanner import Limits, ScanReport, scan
from htq_mark.scanner._executors import DaskExecutor, Executor, LocalExecutor
from htq_mark.scanner._inputs import InputDocument
from htq_mark.scanner._pool import WorkerSetup, lookahead
from htq_mark.scanner._results import DocumentResult

from .conftest import KIT, ON

FAST = 40
Item = tuple[int, InputDocument]


class _Taken(Sequence[Item]):
    """The executor's documents, noting each one the executor takes (hands out) in ``events``."""

    def __init__(self, items: Sequence[Item], events: list[tuple[str, int]]) -> None:
        self.items, self.events = items, events

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, at: int) -> Item: ...
    @overload
    def __getitem__(self, at: slice) -> Sequence[Item]: ...
    def __getitem__(self, at: int | slice) -> Item | Sequence[Item]:
        chosen = self.items[at]
        for index, _ in [chosen] if isinstance(at, int) else chosen:  # type: ignore[misc]
            self.events.append(("taken", index))
        return chosen


class _Watched:
    """An executor whose taking of documents is noted."""

    def __init__(self, engine: Executor, events: list[tuple[str, int]]) -> None:
        self.engine, self.events = engine, events

    def results(self, items: Sequence[Item], make_setup: Callable[[bool], WorkerSetup],
                limits: Limits) -> Iterator[tuple[int, DocumentResult]]:
        return self.engine.results(_Taken(items, self.events), make_setup, limits)


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A named pipe (a document whose reading waits until the test writes to it), then tiny pictures."""
    root = tmp_path_factory.mktemp("window")
    slow = root / "0-slow.png"
    os.mkfifo(slow)
    paths = [str(slow)]
    for number in range(1, FAST + 1):
        path = root / f"{number:03d}.png"
        Image.new("RGB", (3, 3), (number, number, number)).save(path)  # all different: none is scanned once for two
        paths.append(str(path))
    return paths


def _scan(documents: list[str], engine: Executor, window: int) -> tuple[ScanReport, int]:
    """The report, and the most documents ever handed out beyond the oldest unfinished one.

    The slow document is let go once the window's other documents are done: the executor can go no
    further without it.
    """
    events: list[tuple[str, int]] = []
    position = {path: index for index, path in enumerate(documents)}
    released = threading.Event()

    def release() -> None:
        with open(documents[0], "wb"):  # the slow document reads as empty
            pass

    def arrived(done: int, total: int, path: str) -> None:
        events.append(("done", position[path]))
        if done == window - 1 and not released.is_set():
            released.set()
            threading.Thread(target=release, daemon=True).start()

    report = scan(documents, kit=KIT, on=ON, limits=Limits(max_seconds=120), ocr="never", thumbnails=False,
                  executor=_Watched(engine, events), progress=arrived)
    finished: set[int] = set()
    oldest, ahead = 0, 0
    for kind, index in events:
        if kind == "done":
            finished.add(index)
            while oldest in finished:
                oldest += 1
        else:
            ahead = max(ahead, index - oldest)
    assert sorted(finished) == list(range(len(documents)))
    return report, ahead


def _without_time(report: ScanReport) -> ScanReport:
    return dataclasses.replace(report, scanned_at="", documents=tuple(
        dataclasses.replace(d, elapsed_s=0.0) for d in report.documents))


@pytest.fixture(scope="module")
def local(documents: list[str]) -> tuple[ScanReport, int]:
    return _scan(documents, LocalExecutor(2), lookahead(2))


def test_two_local_jobs_hand_out_no_more_than_the_window(local: tuple[ScanReport, int]) -> None:
    report, ahead = local
    assert ahead == lookahead(2) - 1  # the window filled, and went no further while the slow one ran
    slow, *fast = report.documents
    assert slow.status == "error" and all(d.status == "ok" for d in fast) and len(fast) == FAST


def test_dask_hands_out_no_more_than_the_window_and_reports_the_same(
        client: Client, documents: list[str], local: tuple[ScanReport, int]) -> None:
    threads = sum(client.nthreads().values())
    report, ahead = _scan(documents, DaskExecutor(client, batch_size=1), lookahead(threads))
    assert ahead == lookahead(threads) - 1
    assert _without_time(report).to_dict() == _without_time(local[0]).to_dict()
