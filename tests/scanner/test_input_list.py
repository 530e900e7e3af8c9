import os
import pathlib
import pickle
import tracemalloc
from pathlib import Path

import pytest

from htq_mark._catalogue import ErrorCode
from htq_mark.scanner._input_list import InputList, Runnable
from htq_mark.scanner._inputs import InputDocument
from htq_mark.scanner._results import DocumentError

PLAIN = [InputDocument(path=path, location=Path(path)) for path in
         ("a.pdf", "folder/b.png", "/abs/olute/c.jpg", "caf\u00e9 \u2013 menu.pdf", "bad-\udcff-name.png")]
SPECIAL = [
    InputDocument(path="<bytes 2>", location=None, data=b"%PDF-"),
    InputDocument(path="gone.pdf", location=None, error=DocumentError(ErrorCode.UNREADABLE, "gone.pdf: missing")),
    InputDocument(path="s3://bucket/x.pdf", location=None, url="s3://bucket/x.pdf"),
    InputDocument(path="shown.pdf", location=Path("elsewhere/shown.pdf")),  # location is not the path
]


def test_every_kind_of_document_comes_back_as_it_went_in():
    documents = [document for pair in zip(PLAIN, SPECIAL + [PLAIN[0]]) for document in pair]
    listed = InputList(documents)
    assert len(listed) == len(documents)
    assert list(listed) == documents
    assert [listed[at] for at in range(len(documents))] == documents
    assert listed[-1] == documents[-1]
    assert listed[2:7] == documents[2:7]
    assert listed[::3] == documents[::3]


def test_an_index_past_the_end_raises_index_error():
    listed = InputList(PLAIN)
    with pytest.raises(IndexError):
        listed[len(PLAIN)]


def test_a_replaced_document_is_the_new_one_and_its_neighbours_keep_theirs():
    listed = InputList(PLAIN)
    staged = InputDocument(path="/dev/fd/3", location=Path("/tmp/staged-3"))
    listed.replace(1, staged)
    assert list(listed) == [PLAIN[0], staged, *PLAIN[2:]]


def test_documents_appended_after_reading_are_read_too():
    listed = InputList(PLAIN[:2])
    assert listed[1] == PLAIN[1]
    listed.append(PLAIN[2])
    assert listed[2] == PLAIN[2]


def test_plain_paths_wait_on_disk_not_in_memory():
    count = 20_000
    tracemalloc.start()
    try:
        listed = InputList()
        before = tracemalloc.take_snapshot()
        for number in range(count):
            path = f"/srv/brochures/provider-{number:07d}/prospectus-2026.pdf"
            listed.append(InputDocument(path=path, location=Path(path)))
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    # pathlib's table of interned names (Python 3.11) is the test's Path objects', not the list's.
    not_pathlib = [tracemalloc.Filter(False, pathlib.__file__)]
    held = sum(stat.size_diff for stat in after.filter_traces(not_pathlib).compare_to(
        before.filter_traces(not_pathlib), "filename"))
    assert held / count < 16  # the offset and the array's spare room; the path alone would be over 90 bytes
    assert listed[12_345].path == "/srv/brochures/provider-0012345/prospectus-2026.pdf"
    listed.close()


def test_a_forked_process_sharing_the_file_does_not_shift_the_paths():
    listed = InputList(PLAIN[:2])
    child = os.fork()
    if child == 0:  # the child closes its copy, as a Python process leaving normally does
        try:
            listed.close()
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    listed.append(PLAIN[2])
    assert list(listed) == PLAIN[:3]


def test_pickled_lists_are_their_documents():
    documents = PLAIN + SPECIAL
    listed = InputList(documents)
    assert list(pickle.loads(pickle.dumps(listed))) == documents
    runnable = Runnable(listed, [1, 3])
    assert pickle.loads(pickle.dumps(runnable)) == [(1, documents[1]), (3, documents[3])]
