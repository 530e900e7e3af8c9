"""How a Dask scan cuts its documents into tasks: a few per worker thread, shrinking towards the end."""

from __future__ import annotations

from pathlib import Path

import pytest

from htq_mark.errors import UsageError
from htq_mark.scanner._executors import DaskExecutor
from htq_mark.scanner._executors.on_dask import MAX_BATCH
from htq_mark.scanner._inputs import InputDocument


def _items(count: int) -> list[tuple[int, InputDocument]]:
    return [(index, InputDocument(path=f"{index}.png", location=Path(f"{index}.png"))) for index in range(count)]


@pytest.mark.parametrize(("count", "threads"), [(1, 1), (7, 2), (48, 1), (48, 2), (1000, 2), (100_000, 64)])
def test_every_document_is_in_one_batch_in_input_order(count: int, threads: int) -> None:
    batches = list(DaskExecutor(client=None)._batches(_items(count), threads))
    assert [index for batch in batches for index, _ in batch] == list(range(count))
    assert all(1 <= len(batch) <= MAX_BATCH for batch in batches)


@pytest.mark.parametrize("threads", [1, 2, 8])
def test_batches_shrink_to_single_documents_at_the_end(threads: int) -> None:
    sizes = [len(batch) for batch in DaskExecutor(client=None)._batches(_items(1000), threads)]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == min(MAX_BATCH, -(-1000 // (threads * 4)))
    # The last few tasks are a document each, so no worker waits long on another's last batch.
    assert sizes[-threads:] == [1] * threads


def test_many_documents_go_in_full_batches_so_the_scheduler_has_few_tasks() -> None:
    sizes = [len(batch) for batch in DaskExecutor(client=None)._batches(_items(100_000), 2)]
    assert len(sizes) < 100_000 / MAX_BATCH * 1.02


def test_a_batch_size_given_is_kept() -> None:
    sizes = [len(batch) for batch in DaskExecutor(client=None, batch_size=3)._batches(_items(10), 2)]
    assert sizes == [3, 3, 3, 1]


@pytest.mark.parametrize("size", [0, -1])
def test_a_batch_size_below_one_is_refused(size: int) -> None:
    with pytest.raises(UsageError, match="batch_size must be at least 1"):
        DaskExecutor(client=None, batch_size=size)
