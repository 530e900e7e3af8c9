"""scan(): worker processes, input order, time limits that really stop a stuck reader."""

import datetime
import os
from pathlib import Path

import pytest

import htq_mark
from htq_mark.errors import UsageError
from htq_mark.scanner import Limits, scan
from htq_mark.scanner._pool import default_jobs

from ._make import canvas_with, encode, pdf_pages, text_fragment

KIT = htq_mark.load_kit()
ON = datetime.date(2026, 11, 23)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    (root / "b").mkdir()
    (root / "b" / "post.png").write_bytes(encode(canvas_with(KIT, width=240), "PNG"))
    (root / "a.pdf").write_bytes(pdf_pages([text_fragment("plain", x=50, y=50)]))
    (root / "c.jpg").write_bytes(b"\xff\xd8\xff broken")
    (root / "d.pdf").write_bytes(pdf_pages(["", ""]))
    return root


def _comparable(report):
    data = report.to_dict()
    del data["scanned_at"]
    return data


def test_report_is_in_input_order_and_the_same_for_any_jobs(folder):
    one = scan([str(folder)], kit=KIT, on=ON, jobs=1)
    two = scan([str(folder)], kit=KIT, on=ON, jobs=2)
    assert [d.path for d in one.documents] == [str(folder / p) for p in ("a.pdf", "b/post.png", "c.jpg", "d.pdf")]
    assert _comparable(one) == _comparable(two)
    assert one.summary["documents"] == 4 and one.summary["unreadable"] == 1 and one.summary["marks"] == 1


def test_report_records_what_judged_it(folder):
    report = scan([str(folder / "a.pdf")], kit=KIT, on=ON, jobs=1)
    data = report.to_dict()
    assert data["on_date"] == "2026-11-23" and data["generator"]["version"] == htq_mark.__version__
    assert data["kit"]["sha256"] == KIT.sha256 and len(data["register"]["sha256"]) == 64
    assert data["register"]["qualifications"] > 0
    assert len(data["documents"][0]["sha256"]) == 64


def test_progress_is_reported_for_every_document(folder, tmp_path):
    seen = []
    scan([str(folder), str(tmp_path / "missing.pdf")], kit=KIT, on=ON, jobs=2,
         progress=lambda done, total, path: seen.append((done, total)))
    assert sorted(seen) == [(n, 5) for n in range(1, 6)]


def test_a_stuck_reader_is_stopped_and_the_batch_goes_on(tmp_path, folder):
    stuck = tmp_path / "stuck.pdf"
    os.mkfifo(stuck)  # opening it for reading waits for a writer that never comes
    report = scan([str(stuck), str(folder / "a.pdf")], kit=KIT, on=ON, jobs=1, limits=Limits(max_seconds=3))
    first, second = report.documents
    assert first.status == "error" and first.error.code == "timeout"
    assert "3 s limit" in first.error.message and str(stuck) in first.error.message
    assert second.status == "ok"


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True])
def test_jobs_must_be_a_positive_whole_number(jobs, folder):
    with pytest.raises(UsageError, match="jobs"):
        scan([str(folder)], kit=KIT, jobs=jobs)


def test_jobs_beyond_eight_per_core_are_refused_before_any_worker_starts(folder):
    most = 8 * default_jobs()
    with pytest.raises(UsageError, match=f"at most jobs={most}"):
        scan([str(folder)], kit=KIT, jobs=most + 1)


def test_nothing_to_scan_gives_an_empty_report(tmp_path):
    report = scan([str(tmp_path)], kit=KIT, on=ON)
    assert report.documents == () and report.summary["documents"] == 0


def _worker_pids() -> list[int]:
    pids = []
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as handle:
            pids += [int(p) for p in handle.read().split()]
    return [p for p in pids if b"htq_mark.scanner._worker" in open(f"/proc/{p}/cmdline", "rb").read()]


def test_a_reader_that_dies_is_reported_and_the_batch_goes_on(tmp_path, folder):
    import signal
    import threading

    stuck = tmp_path / "crash.pdf"
    os.mkfifo(stuck)
    killed = []

    def kill_the_worker_once_it_is_stuck():
        with open(stuck, "wb"):  # returns once the worker has opened the file; it then waits for data
            for pid in _worker_pids():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    killer = threading.Thread(target=kill_the_worker_once_it_is_stuck)
    killer.start()
    report = scan([str(stuck), str(folder / "a.pdf")], kit=KIT, on=ON, jobs=1, limits=Limits(max_seconds=60))
    killer.join()
    assert killed
    first, second = report.documents
    assert first.error.code == "unreadable" and "stopped unexpectedly" in first.error.message
    assert second.status == "ok"


def test_a_worker_that_cannot_load_its_libraries_stops_the_scan_with_the_reason(folder, tmp_path, monkeypatch):
    broken = tmp_path / "libs"
    broken.mkdir()
    (broken / "cv2.py").write_text("raise ImportError('OpenCV is broken here')\n")
    monkeypatch.setenv("PYTHONPATH", str(broken))
    with pytest.raises(RuntimeError, match="could not start.*OpenCV is broken here"):
        scan([str(folder / "a.pdf")], kit=KIT, on=ON, jobs=2)


def test_workers_use_this_copy_of_htq_mark_whatever_the_current_folder_holds(folder, tmp_path, monkeypatch):
    shadow = tmp_path / "elsewhere" / "htq_mark"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('the wrong htq_mark was imported')\n")
    monkeypatch.chdir(shadow.parent)
    report = scan([str(folder / "b" / "post.png")], kit=KIT, on=ON, jobs=1)
    assert report.documents[0].status == "ok" and len(report.documents[0].marks) == 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_workers_keep_numeric_libraries_to_one_thread_each(folder, tmp_path, monkeypatch, jobs):
    seen = tmp_path / "seen"
    seen.mkdir()
    probe = tmp_path / "probe"
    probe.mkdir()
    # Python imports sitecustomize at start-up: it records the worker's thread settings.
    (probe / "sitecustomize.py").write_text(
        "import os, pathlib\n"
        f"pathlib.Path({str(seen)!r}, str(os.getpid())).write_text("
        "repr((os.environ.get('OPENBLAS_NUM_THREADS'), os.environ.get('OMP_NUM_THREADS'))))\n")
    monkeypatch.setenv("PYTHONPATH", str(probe))
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # set by the user: kept
    report = scan([str(folder / "a.pdf"), str(folder / "b" / "post.png")], kit=KIT, on=ON, jobs=jobs)
    assert all(d.status == "ok" for d in report.documents)
    records = {p.read_text() for p in seen.iterdir()}
    assert records == {repr(("1", "3"))}


def test_identical_files_are_scanned_once_and_reported_for_every_path(folder, tmp_path, monkeypatch):
    from htq_mark.scanner import _pool as pool

    copies = tmp_path / "copies"
    copies.mkdir()
    for name in ("one.png", "two.png"):
        (copies / name).write_bytes((folder / "b" / "post.png").read_bytes())
    (copies / "x-broken.jpg").write_bytes((folder / "c.jpg").read_bytes())
    (copies / "y-broken.jpg").write_bytes((folder / "c.jpg").read_bytes())
    scanned = []
    real_run = pool.WorkerPool.run
    monkeypatch.setattr(pool.WorkerPool, "run", lambda self, items, cancelled=None, window=None: (
        scanned.extend(i.path for _, i in items), real_run(self, items, cancelled, window))[1])
    seen = []
    report = scan([str(folder / "b" / "post.png"), str(copies)], kit=KIT, on=ON, jobs=1,
                  progress=lambda done, total, path: seen.append(path))
    assert scanned == [str(folder / "b" / "post.png"), str(copies / "x-broken.jpg")]
    paths = [str(folder / "b" / "post.png")] + [str(copies / n) for n in
                                                ("one.png", "two.png", "x-broken.jpg", "y-broken.jpg")]
    assert [d.path for d in report.documents] == paths and sorted(seen) == sorted(paths)
    first, one, two, broken, copy = report.documents
    assert first.marks == one.marks == two.marks and len(first.marks) == 1
    assert first.findings == one.findings == two.findings and first.sha256 == two.sha256
    assert copy.error.message.startswith(f"{copy.path}: ") and broken.path not in copy.error.message


def _mixed_batch(tmp_path):
    """Copies among paths and bytes, files of one size with other bytes, a missing file, a URL and an error."""
    from htq_mark.scanner._inputs import InputDocument
    from htq_mark.scanner._results import DocumentError

    (tmp_path / "a").write_bytes(b"A" * 10)
    (tmp_path / "a-again").write_bytes(b"A" * 10)
    (tmp_path / "b-same-size").write_bytes(b"B" * 10)
    (tmp_path / "big").write_bytes(b"A" * 11)
    return [InputDocument("b", tmp_path / "b-same-size"), InputDocument("a", tmp_path / "a"),
            InputDocument("gone", tmp_path / "gone"), InputDocument("bytes-a", None, data=b"A" * 10),
            InputDocument("big", tmp_path / "big"), InputDocument("a-again", tmp_path / "a-again"),
            InputDocument("url", None, url="http://127.0.0.1:9/a"),
            InputDocument("bad", tmp_path / "a", error=DocumentError("unreadable", "bad: not read")),
            InputDocument("bytes-b", None, data=b"B" * 10)]


@pytest.mark.parametrize("large", [False, True], ids=["small-batch", "large-batch"])
def test_copies_are_each_tied_to_the_first_document_with_their_bytes(tmp_path, monkeypatch, large):
    from htq_mark.scanner import _batch

    monkeypatch.setattr(_batch, "SMALL_BATCH", 0 if large else 10_000)
    assert _batch._copies(_mixed_batch(tmp_path), Limits()) == {3: 1, 5: 1, 8: 0}


def test_bytes_and_binary_file_objects_are_scanned_like_paths(folder):
    post = folder / "b" / "post.png"
    with post.open("rb") as handle:
        report = scan([post.read_bytes(), handle, str(folder / "a.pdf")], kit=KIT, on=ON, jobs=1)
    by_bytes, by_file, by_path = report.documents
    assert by_bytes.path == "<bytes 1>" and by_file.path == str(post) and by_path.path == str(folder / "a.pdf")
    assert len(by_bytes.marks) == 1 and by_file.marks == by_bytes.marks  # identical bytes, scanned once
    assert by_path.status == "ok"


@pytest.mark.parametrize(("exclude", "words"), [(("",), "none of them empty"), (("drafts/", ""), "none of them empty"),
                                               ((3,), "as text"), ("drafts/", "a list of globs, not str"),
                                               (None, "a list of globs, not NoneType"), (3, "not int")])
def test_an_empty_glob_or_a_wrong_type_is_a_usage_error(folder, exclude, words):
    with pytest.raises(UsageError, match=words):
        scan([folder], exclude=exclude)


@pytest.mark.parametrize("given", [list, tuple, iter, lambda globs: (glob for glob in globs)])
def test_exclude_takes_any_iterable_of_globs_and_uses_all_of_it(folder, given):
    """Before, a generator was used up by the check of its globs: nothing was excluded, and the report said so."""
    report = scan([folder], exclude=given(["b/", "*.jpg"]), kit=KIT, on=ON, jobs=1, thumbnails=False)
    assert sorted(Path(d.path).name for d in report.documents) == ["a.pdf", "d.pdf"]
    assert report.settings.exclude == ("b/", "*.jpg")


@pytest.mark.parametrize(("sitemaps", "words"), [("http://127.0.0.1:9/sitemap.xml", "a list of addresses, not str"),
                                                (b"http://127.0.0.1:9/", "a list of addresses, not bytes"),
                                                (3, "not int"), ([3], "as text")])
def test_sitemaps_of_a_wrong_type_is_a_usage_error(sitemaps, words):
    """Before, one address given as text was read a character at a time: thirty 'documents' named h, t, t..."""
    with pytest.raises(UsageError, match=words):
        scan([], sitemaps=sitemaps)


@pytest.mark.parametrize("on", [20260101, "20260101", "2026-W01-1", "２０２６-０１-０１", "26-1-1", "2026-001-1"])
def test_a_scan_date_not_in_the_form_yyyy_mm_dd_is_a_usage_error(on):
    """Before, str(on) was read by fromisoformat: the number 20260101 and week dates passed as dates."""
    with pytest.raises(UsageError, match="is not a date in the form YYYY-MM-DD"):
        scan([], on=on)


def test_one_path_instead_of_a_list_is_a_usage_error(folder):
    with pytest.raises(UsageError, match="not one"):
        scan(str(folder), kit=KIT, on=ON)


def test_the_library_keeps_page_pictures_for_the_html_report_by_default(folder):
    report = scan([str(folder / "b" / "post.png")], kit=KIT, on=ON, jobs=1)
    assert report.documents[0].images
    assert not scan([str(folder / "b" / "post.png")], kit=KIT, on=ON, jobs=1, thumbnails=False).documents[0].images
