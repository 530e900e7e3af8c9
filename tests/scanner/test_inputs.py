import os
from pathlib import Path

import pytest

from htq_mark.scanner._inputs import DEFAULT_EXCLUDE, expand_paths

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture()
def tree(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.pdf").write_bytes(PDF)
    (tmp_path / "b" / "a.png").write_bytes(PNG)
    (tmp_path / "c.dat").write_bytes(PDF)  # a PDF whatever its name
    (tmp_path / "notes.txt").write_bytes(b"not a document")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "deep").mkdir()
    (tmp_path / "a" / "deep" / "x.pdf").write_bytes(PDF)
    return tmp_path


def test_directories_are_searched_recursively_in_sorted_order(tree):
    found = expand_paths([str(tree)])
    assert [d.path for d in found] == [os.path.join(str(tree), p) for p in
                                       ("a/deep/x.pdf", "b/a.png", "b/z.pdf", "c.dat")]
    assert all(d.error is None for d in found)


def test_path_is_the_directory_as_given_joined_with_the_path_below(tree, monkeypatch):
    monkeypatch.chdir(tree)
    found = expand_paths(["b/", "./a"])
    assert [d.path for d in found] == ["b/a.png", "b/z.pdf", "./a/deep/x.pdf"]


def test_files_given_explicitly_are_kept_whatever_they_hold(tree):
    found = expand_paths([str(tree / "notes.txt")])
    assert [d.path for d in found] == [str(tree / "notes.txt")] and found[0].error is None


def test_missing_path_is_an_error_document(tmp_path):
    found = expand_paths([str(tmp_path / "missing.pdf")])
    assert found[0].error is not None and found[0].error.code == "unreadable"
    assert "missing.pdf" in found[0].error.message


def test_a_path_holding_a_nul_is_an_error_document_and_the_rest_kept(tree):
    """From a caller's string: os.stat's ValueError ended the whole scan."""
    docs = expand_paths([str(tree / "c.dat") + "\0x", str(tree / "c.dat")])
    assert docs[0].error is not None and docs[0].error.code == "unreadable" and "NUL character" in docs[0].error.message
    assert docs[1].error is None and docs[1].path == str(tree / "c.dat")


def test_symlink_loop_is_reported_not_followed(tree):
    os.symlink(tree / "a", tree / "a" / "deep" / "back")
    found = expand_paths([str(tree)])
    loops = [d for d in found if d.note is not None]
    assert len(loops) == 1 and "loop" in loops[0].note.message and loops[0].note.code == "symlink-loop"
    assert loops[0].path.endswith(os.path.join("deep", "back")) and loops[0].error is None
    assert sum(d.location is not None for d in found) == 4


def test_self_referencing_symlink_is_reported(tree):
    os.symlink(tree / "self", tree / "self")
    found = expand_paths([str(tree)])
    assert any(d.note is not None and d.note.code == "symlink-loop" and d.path.endswith("self") for d in found)


def test_unreadable_entries_are_reported_and_the_rest_kept(tree, monkeypatch):
    from htq_mark.scanner import _inputs as inputs

    real_listdir, real_head = os.listdir, inputs._head

    def listdir(path):
        if str(path).endswith("deep"):
            raise PermissionError(13, "Permission denied")
        return real_listdir(path)

    def head(path):
        if path.name == "a.png":
            raise PermissionError(13, "Permission denied")
        return real_head(path)

    monkeypatch.setattr(inputs.os, "listdir", listdir)
    monkeypatch.setattr(inputs, "_head", head)
    found = expand_paths([str(tree)])
    errors = {os.path.relpath(d.path, tree): d.error.message for d in found if d.error is not None}
    assert set(errors) == {os.path.join("a", "deep"), os.path.join("b", "a.png")}
    assert all("Permission denied" in message for message in errors.values())
    assert [os.path.relpath(d.path, tree) for d in found if d.error is None] == [os.path.join("b", "z.pdf"), "c.dat"]


def test_entries_of_a_folder_that_cannot_be_searched_are_reported_and_excluded_folders_passed_over(
        tmp_path, monkeypatch):
    # A folder that can be listed but not searched (mode r--): nothing in it can even be looked at.
    locked = tmp_path / "locked"
    for folder in (".git", "sub"):
        (locked / folder).mkdir(parents=True)
    (locked / "a.pdf").write_bytes(PDF)
    real_stat = Path.stat

    def stat(path, **options):
        if path.parent == locked:
            raise PermissionError(13, "Permission denied")
        return real_stat(path, **options)

    monkeypatch.setattr(Path, "stat", stat)  # Path.lstat is stat(follow_symlinks=False)
    found = expand_paths([str(tmp_path)])
    assert [(os.path.relpath(d.path, tmp_path), d.error is not None) for d in found] == [
        (os.path.join("locked", "a.pdf"), True), (os.path.join("locked", "sub"), True)]
    assert all("Permission denied" in d.error.message for d in found)


@pytest.mark.parametrize("name", ["empty.png", "truncated.PDF", "scan.jpeg", "frames.tiff"])
def test_damaged_documents_in_a_folder_are_reported_not_passed_over(tmp_path, name):
    (tmp_path / name).write_bytes(b"" if name.startswith("empty") else b"\x00garbage")
    (tmp_path / "notes.txt").write_bytes(b"")
    assert [d.path for d in expand_paths([str(tmp_path)])] == [os.path.join(str(tmp_path), name)]


def test_a_fifo_named_like_a_document_in_a_folder_is_reported_and_anything_else_special_passed_over(tmp_path):
    """Before, a FIFO named ``course.pdf`` inside a folder was passed over without a word."""
    os.mkfifo(tmp_path / "course.pdf")
    os.mkfifo(tmp_path / "app.sock")
    (tmp_path / "real.pdf").write_bytes(b"%PDF-1.4")
    found = expand_paths([str(tmp_path)])
    assert [os.path.basename(d.path) for d in found] == ["course.pdf", "real.pdf"]
    assert found[0].error is not None and "not a regular file" in found[0].error.message
    assert found[1].error is None


def test_an_empty_document_in_a_folder_ends_as_an_error_in_the_report(tmp_path):
    from htq_mark.scanner import scan

    (tmp_path / "empty.png").write_bytes(b"")
    report = scan([str(tmp_path)], jobs=1)
    [document] = report.documents
    assert document.status == "error" and document.error is not None
    assert document.error.code == "unreadable" and "empty.png" in document.error.message


def test_default_excludes_pass_over_version_control_dependency_and_hidden_folders(tmp_path: Path) -> None:
    for folder in (".git", "node_modules", ".cache", "docs"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / ".hidden.pdf").write_bytes(b"%PDF-1.4\n")
    found = [Path(d.path).relative_to(tmp_path).as_posix() for d in expand_paths([tmp_path])]
    assert found == [".hidden.pdf", "docs/a.pdf"]


@pytest.mark.parametrize(("exclude", "expected"), [
    (("docs/",), ["other/b.pdf"]),
    (("*.pdf",), []),
    (("docs/a.pdf",), ["other/b.pdf"]),
    (("b.*",), ["docs/a.pdf"]),
    ((), ["docs/a.pdf", "other/b.pdf"]),
])
def test_exclude_globs_match_names_and_paths_below_the_folder(tmp_path: Path, exclude: tuple[str, ...],
                                                              expected: list[str]) -> None:
    for relative in ("docs/a.pdf", "other/b.pdf"):
        (tmp_path / relative).parent.mkdir(exist_ok=True)
        (tmp_path / relative).write_bytes(b"%PDF-1.4\n")
    found = [Path(d.path).relative_to(tmp_path).as_posix() for d in expand_paths([tmp_path], exclude)]
    assert found == expected


@pytest.mark.parametrize(("given", "exclude", "kept"), [
    ("drafts/a.pdf", ("drafts/",), False),        # in a folder excluded
    ("./drafts/a.pdf", ("drafts/",), False),      # however it is written
    ("drafts/a.pdf", ("*.pdf",), False),          # a name excluded
    ("drafts/a.pdf", ("drafts/a.pdf",), False),   # a path excluded
    ("drafts/a.pdf", ("a.pdf/",), True),          # folders only: a file is not one
    ("drafts/a.pdf", ("other/",), True),
    ("drafts", ("drafts/",), False),              # a folder given by name
])
def test_force_exclude_passes_over_paths_given_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str,
                                                       exclude: tuple[str, ...], kept: bool) -> None:
    """A pre-commit hook names every file: before, the config's excludes never held for them."""
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "a.pdf").write_bytes(b"%PDF-1.4\n")
    monkeypatch.chdir(tmp_path)
    assert bool(expand_paths([given], exclude, force_exclude=True)) is kept
    assert expand_paths([given], exclude)  # without it, a path given is scanned as before


@pytest.mark.parametrize("given", ["a.pdf", "./a.pdf", "../docs/a.pdf", "..", "ABSOLUTE"])
def test_force_exclude_judges_only_the_folders_below_the_current_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     given: str) -> None:
    """Before, '..' and a hidden folder on the way there matched the default '.*/': nothing was scanned."""
    docs = tmp_path / ".hidden" / "repo" / "docs"
    docs.mkdir(parents=True)
    (docs / "a.pdf").write_bytes(b"%PDF-1.4\n")
    monkeypatch.chdir(docs)
    path = str(docs / "a.pdf") if given == "ABSOLUTE" else given
    assert [Path(d.path).name for d in expand_paths([path], DEFAULT_EXCLUDE, force_exclude=True)] == ["a.pdf"]


@pytest.mark.parametrize(("scanned", "working"), [
    (".", "."), ("docs", "."), ("docs/drafts", "."), (".", "docs"), ("..", "docs"), ("LINKED", "."),
])
def test_an_absolute_glob_passes_over_the_same_entries_whichever_folder_is_scanned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scanned: str, working: str) -> None:
    """A config file's ``docs/drafts/*`` comes here anchored at its folder: before, such a glob was matched
    below the folder scanned, so scanning ``docs`` rather than ``.`` scanned the drafts."""
    for relative in ("docs/keep.pdf", "docs/drafts/old.pdf", "docs/drafts/deep/older.pdf", "drafts/top.pdf"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(b"%PDF-1.4\n")
    (tmp_path / "linked").symlink_to(tmp_path / "docs")
    monkeypatch.chdir(tmp_path / working)
    folder = str(tmp_path / "linked") if scanned == "LINKED" else scanned
    anchored = str(tmp_path / "docs" / "drafts" / "*")
    found = {Path(d.path).name for d in expand_paths([folder], (anchored,))}
    assert not found & {"old.pdf", "older.pdf"}
    assert "keep.pdf" in found or scanned == "docs/drafts"
    assert ("top.pdf" in found) is (folder in (".", "..") and working == "." or folder == "..")
    # A file given by name is passed over with force_exclude only, as with every glob.
    assert expand_paths([str(tmp_path / "docs" / "drafts" / "old.pdf")], (anchored,))
    assert not expand_paths([str(tmp_path / "linked" / "drafts" / "old.pdf")], (anchored,), force_exclude=True)


@pytest.mark.parametrize("spelling", ["WRITTEN/docs/drafts/*", "REAL/docs/drafts/*", "REAL//docs/./drafts/*",
                                      "REAL/other/../docs/drafts/*", "REAL/docs/drafts/"])
@pytest.mark.parametrize("working", ["real", "linked"])
def test_an_absolute_glob_matches_the_path_as_written_and_as_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      spelling: str, working: str) -> None:
    """The folder worked in is reached through a link (as /tmp is on some systems), and the glob is written
    either way, with . and .. and doubled slashes: each passes over the drafts, walked or given by name."""
    real = tmp_path / "real"
    for relative in ("docs/keep.pdf", "docs/drafts/old.pdf"):
        (real / relative).parent.mkdir(parents=True, exist_ok=True)
        (real / relative).write_bytes(b"%PDF-1.4\n")
    (tmp_path / "linked").symlink_to(real)
    (real / "docs" / "old-link.pdf").symlink_to(real / "docs" / "drafts" / "old.pdf")
    here = tmp_path / working
    monkeypatch.chdir(here)
    monkeypatch.setenv("PWD", str(here))  # as a shell sets it, through the link
    glob = spelling.replace("WRITTEN", str(here)).replace("REAL", str(real))
    # A link to a draft is one, judged by where it leads: that place has its links resolved, so a glob
    # written through a link does not reach it.
    through_a_link = working == "linked" and spelling.startswith("WRITTEN")
    names = {Path(d.path).name for d in expand_paths(["docs"], (glob,))}
    assert names == {"keep.pdf", *(["old-link.pdf"] if through_a_link else [])}
    assert not expand_paths(["docs/drafts/old.pdf"], (glob,), force_exclude=True)
    assert bool(expand_paths(["docs/old-link.pdf"], (glob,), force_exclude=True)) is through_a_link
    assert expand_paths(["docs/keep.pdf"], (glob,), force_exclude=True)


def test_a_path_given_explicitly_is_scanned_even_if_excluded(tmp_path: Path) -> None:
    (tmp_path / "node_modules").mkdir()
    target = tmp_path / "node_modules" / "a.pdf"
    target.write_bytes(b"%PDF-1.4\n")
    assert [d.path for d in expand_paths([target])] == [str(target)]
