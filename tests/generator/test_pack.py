"""Packs: every variant, format and preset; a manifest that matches; zips that are reproducible."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from htq_mark.errors import NotEntitledError, OutputExistsError, SpecError, UsageError
from htq_mark.generator import pack
from htq_mark.generator._pack import MANIFEST_NAME, MANIFEST_SCHEMA, build_pack, pack_path
from htq_mark.kit import load_kit

from .conftest import edit_spec

ENTITLED = "999/1001/9"


@pytest.fixture(scope="module")
def full_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("packs") / "pack"
    pack(target)
    return target


def _files_on_disk(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_pack_has_every_variant_format_and_preset(full_pack: Path) -> None:
    spec = load_kit().spec
    manifest = json.loads((full_pack / "manifest.json").read_text())
    listed = {entry["path"] for entry in manifest["files"]}
    expected = set()
    for variant in spec.variants:
        for name, preset in spec.presets.items():
            formats = ("png", "jpg", "webp", "svg") if preset.width.endswith("px") else ("pdf", "eps", "svg", "png")
            expected |= {pack_path(variant, name, format) for format in formats}
    assert listed == expected
    assert len(listed) == 3 * 8 * 4


def test_the_manifest_matches_the_files_on_disk(full_pack: Path) -> None:
    manifest = json.loads((full_pack / "manifest.json").read_text())
    on_disk = _files_on_disk(full_pack)
    assert manifest["schema"] == MANIFEST_SCHEMA
    assert set(on_disk) == {e["path"] for e in manifest["files"]} | {"manifest.json", "index.html"}
    for entry in manifest["files"]:
        data = on_disk[entry["path"]]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        assert entry["path"].endswith(f".{entry['format']}")
        assert entry["path"].startswith(f"{entry['variant']}/{entry['preset']}/")
        if entry["format"] in ("png", "jpg", "webp"):
            assert Image.open(io.BytesIO(data)).size == (entry["canvas_width_px"], entry["canvas_height_px"])
        if entry["format"] == "pdf":
            box = PdfReader(io.BytesIO(data)).pages[0].mediabox
            assert float(box.width) * 25.4 / 72 == pytest.approx(entry["canvas_width_mm"], abs=0.01)
    sheet = manifest["usage_sheet"]
    assert sheet["sha256"] == hashlib.sha256(on_disk["index.html"]).hexdigest()


@pytest.mark.parametrize(("path", "preset", "width_px", "dpi", "width_mm"), [
    ("colour/web/htq-mark-colour-web.png", "web", 300, 96, 79.375),
    ("white/print-a4/htq-mark-white-print-a4.pdf", "print-a4", 472, 300, 40.0),
    ("black/banner/htq-mark-black-banner.png", "banner", 709, 150, 120.057),
])
def test_manifest_entries_give_sizes_in_px_and_mm(full_pack: Path, path: str, preset: str, width_px: int,
                                                  dpi: int, width_mm: float) -> None:
    manifest = json.loads((full_pack / "manifest.json").read_text())
    entry = next(e for e in manifest["files"] if e["path"] == path)
    assert (entry["preset"], entry["width_px"], entry["dpi"]) == (preset, width_px, dpi)
    assert entry["width_mm"] == pytest.approx(width_mm, abs=0.001)


def test_the_usage_sheet_shows_each_variant_and_the_rules(full_pack: Path) -> None:
    html = (full_pack / "index.html").read_text()
    for label in ("Full colour", "One colour, black", "Reversed, white"):
        assert label in html
    assert 'style="background: #0B2545"' in html  # the white variant on its dark background
    assert "25 mm in print or 150 px" in html
    assert 'src="colour/web/htq-mark-colour-web.svg"' in html


def test_a_zip_pack_is_reproducible_and_stays_inside_its_root(tmp_path: Path) -> None:
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    pack(first, presets=["web", "print-a4"], qualification=ENTITLED, date=dt.date(2026, 3, 1))
    pack(second, presets=["web", "print-a4"], qualification=ENTITLED, date=dt.date(2026, 3, 1))
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        for info in archive.infolist():
            assert not info.filename.startswith("/") and ".." not in info.filename.split("/")
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["qualification"] == {"id": ENTITLED, "checked_on": "2026-03-01"}
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]


def test_source_date_epoch_dates_zip_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    pack(tmp_path / "p.zip", presets=["web"], variants=["black"])
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_a_folder_pack_and_a_zip_pack_hold_the_same_files(tmp_path: Path) -> None:
    pack(tmp_path / "p.zip", presets=["web-small"], variants=["white"])
    pack(tmp_path / "folder", presets=["web-small"], variants=["white"])
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        zipped = {name: archive.read(name) for name in archive.namelist()}
    assert zipped == _files_on_disk(tmp_path / "folder")


@pytest.mark.parametrize("given", [{"variants": "colour"}, {"presets": "web"}])
def test_one_name_as_a_string_is_a_usage_error(tmp_path: Path, given: dict[str, str]) -> None:
    """Before, "colour" was taken as the variants 'c', 'o', 'l', 'u' and 'r'."""
    with pytest.raises(UsageError, match="as a list of names"):
        pack(tmp_path / "p.zip", **given)  # type: ignore[arg-type]


def test_a_variant_or_preset_named_twice_is_made_once(tmp_path: Path) -> None:
    """Before, the manifest listed 8 files where the zip held 4."""
    result = pack(tmp_path / "p.zip", presets=["web", "web"], variants=["colour", "colour"])
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        files = [name for name in archive.namelist() if name.startswith("colour/")]
    assert len(result.files) == len(files) == len(set(files)) == 4
    assert len(result.manifest["files"]) == 4


def test_cmyk_packs_print_files_in_cmyk(tmp_path: Path) -> None:
    result = pack(tmp_path / "p", presets=["print-a5"], variants=["colour"], colour_space="cmyk")
    by_format = {f.asset.format: f.asset for f in result.files}
    assert by_format["pdf"].colour_space == "cmyk" and by_format["png"].colour_space == "rgb"
    assert b" k" in PdfReader(io.BytesIO(by_format["pdf"].data)).pages[0].get_contents().get_data()


def test_an_existing_zip_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "p.zip"
    target.write_bytes(b"old")
    with pytest.raises(OutputExistsError, match="p.zip: the file already exists"):
        pack(target, presets=["web"])
    assert target.read_bytes() == b"old"
    pack(target, presets=["web"], variants=["black"], force=True)
    assert zipfile.is_zipfile(target)


def test_a_non_empty_folder_is_refused_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "p"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(OutputExistsError, match="the folder is not empty"):
        pack(target, presets=["web"])
    assert _files_on_disk(target) == {"notes.txt": b"mine"}
    pack(target, presets=["web"], variants=["black"], force=True)
    files = _files_on_disk(target)
    assert files["notes.txt"] == b"mine" and "black/web/htq-mark-black-web.png" in files


@pytest.mark.parametrize("force", [False, True])
def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path, force: bool) -> None:
    (tmp_path / "p").write_text("mine")
    with pytest.raises(OutputExistsError, match="exists and is a file, not a folder") as raised:
        pack(tmp_path / "p", presets=["web"], force=force)
    assert "force=True" not in str(raised.value), "force does not help here, so it is not offered"
    assert (tmp_path / "p").read_text() == "mine"


@pytest.mark.parametrize(("blocker", "is_folder", "message"), [
    ("colour", False, "exists and is not a folder"),  # a file where the pack puts a folder
    ("colour/web/htq-mark-colour-web.svg", True, "is a folder where a file goes"),
])
def test_a_forced_pack_into_a_folder_in_its_way_writes_nothing(tmp_path: Path, blocker: str, is_folder: bool,
                                                               message: str) -> None:
    target = tmp_path / "p"
    (target / blocker).parent.mkdir(parents=True, exist_ok=True)
    (target / "black" / "web").mkdir(parents=True)
    (target / "black" / "web" / "htq-mark-black-web.png").write_bytes(b"mine")  # would be replaced
    if is_folder:
        (target / blocker).mkdir()
    else:
        (target / blocker).write_text("mine")
    before = _files_on_disk(target)
    with pytest.raises(OutputExistsError, match=message) as raised:
        pack(target, presets=["web"], variants=["black", "colour"], force=True)
    assert str(target / blocker) in str(raised.value)
    assert _files_on_disk(target) == before


def _copied_kit(folder: Path) -> Path:
    import shutil

    for part in ("assets", "guidelines"):
        shutil.copytree(load_kit().root / part, folder / "kit" / part)
    return folder / "kit"


@pytest.mark.parametrize("zipped", [False, True], ids=["folder", "zip"])
def test_a_forced_pack_never_replaces_the_register_it_was_given(tmp_path: Path, zipped: bool) -> None:
    """Before, only the command line checked this: pack(..., force=True) from Python replaced the register."""
    from htq_mark.register import export_register, load_register

    register = tmp_path / ("out.zip" if zipped else "out/manifest.json")
    register.parent.mkdir(exist_ok=True)
    register.write_bytes(export_register(load_register(None), "json"))
    before = register.read_bytes()
    with pytest.raises(UsageError, match="is a file this reads from .* write the pack elsewhere"):
        pack(register if zipped else register.parent, variants=["colour"], presets=["web"], register=register,
             force=True)
    assert register.read_bytes() == before and sorted(p.name for p in register.parent.iterdir()) == [register.name]


def test_the_files_of_a_pack_never_replace_the_kits_own_files_either(tmp_path: Path) -> None:
    """Before, the assets a pack returned had nothing to guard: writing one over the kit's artwork replaced it."""
    kit = _copied_kit(tmp_path)
    artwork = kit / "assets" / "htq-mark-colour.svg"
    before = artwork.read_bytes()
    result = pack(tmp_path / "pack", kit=kit, variants=["colour"], presets=["web"])
    svg = next(packed.asset for packed in result.files if packed.asset.format == "svg")
    with pytest.raises(UsageError, match="htq-mark-colour.svg is a file this reads from"):
        svg.write(artwork, force=True)
    assert artwork.read_bytes() == before


def test_a_forced_pack_never_replaces_the_kits_own_files(tmp_path: Path) -> None:
    kit = _copied_kit(tmp_path)
    artwork = kit / "assets" / "htq-mark-colour.svg"
    packed = artwork.parent / pack_path("colour", "web", "svg")
    packed.parent.mkdir(parents=True)
    packed.symlink_to(artwork)  # a pack file that is the kit's artwork
    before = artwork.read_bytes()
    with pytest.raises(UsageError, match="this reads from"):
        pack(artwork.parent, kit=kit, variants=["colour"], presets=["web"], force=True)
    assert artwork.read_bytes() == before


def test_a_pack_may_sit_beside_the_kits_files(tmp_path: Path) -> None:
    kit = _copied_kit(tmp_path)
    before = load_kit(kit).sha256
    result = pack(kit, kit=kit, variants=["colour"], presets=["web"], force=True)
    assert (kit / MANIFEST_NAME).is_file() and len(result.files) == 4 and load_kit(kit).sha256 == before


def test_an_empty_folder_is_filled(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    pack(tmp_path / "p", presets=["web"], variants=["colour"])
    assert "colour/web/htq-mark-colour-web.svg" in _files_on_disk(tmp_path / "p")
    assert [p.name for p in tmp_path.iterdir()] == ["p"]  # no staging folder left behind


def test_the_current_folder_when_empty_is_filled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, "." failed: a new folder cannot be moved into the place of the current one (busy)."""
    monkeypatch.chdir(tmp_path)
    result = pack(".", presets=["web"], variants=["colour"])
    assert result.kind == "folder" and "colour/web/htq-mark-colour-web.svg" in _files_on_disk(tmp_path)


def test_an_empty_folder_keeps_nothing_of_a_pack_that_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from htq_mark.generator import _pack

    (tmp_path / "p").mkdir()
    written = 0
    real = _pack.write_atomic

    def fail_third(*args: object, **kwargs: object) -> object:
        nonlocal written
        written += 1
        if written == 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_pack, "write_atomic", fail_third)
    with pytest.raises(OSError):
        pack(tmp_path / "p", presets=["web"], variants=["colour"])
    assert written == 3 and list((tmp_path / "p").iterdir()) == []


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"presets": ["huge"]}, UsageError, "unknown preset 'huge'"),
    ({"variants": ["gold"]}, UsageError, "unknown variant 'gold'"),
    ({"colour_space": "lab"}, UsageError, "unknown colour space 'lab'"),
    ({"date": dt.date(2026, 1, 1)}, UsageError, "give qualification=... too"),
    ({"qualification": "999/2005/0", "date": dt.date(2026, 1, 1)}, NotEntitledError, "withdrawn"),
])
def test_pack_errors_write_nothing(tmp_path: Path, kwargs: dict[str, object], error: type[Exception],
                                   message: str) -> None:
    with pytest.raises(error, match=message):
        pack(tmp_path / "p.zip", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(error, match=message):
        pack(tmp_path / "folder", **kwargs)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_preset_below_the_minimum_is_refused(kit_copy: Path, tmp_path: Path) -> None:
    """Refused with the kit, naming the preset (the pack said only "width 100px is below the minimum")."""
    edit_spec(kit_copy, 'width = "150px"', 'width = "100px"')
    with pytest.raises(SpecError, match=r"\[presets.web-small.width\] 100px is below the kit's minimum width"):
        pack(tmp_path / "p.zip", kit=kit_copy)
    assert not (tmp_path / "p.zip").exists()


def test_kit_text_is_escaped_in_the_usage_sheet(kit_copy: Path) -> None:
    edit_spec(kit_copy, 'label = "Full colour"', 'label = "<script>alert(1)</script>"')
    edit_spec(kit_copy, 'name = "htq-mark default kit"', 'name = "Kit & <b>co</b>"')
    _, _, sheet = build_pack(kit=kit_copy, presets=["web"], variants=["colour"])
    html = sheet.decode()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Kit &amp; &lt;b&gt;co&lt;/b&gt;" in html


def test_pack_result_describes_itself(tmp_path: Path) -> None:
    result = pack(tmp_path / "p.zip", presets=["web"], variants=["colour"])
    assert result.kind == "zip" and len(result.files) == 4
    assert "4 files" in result.describe()
    assert result.to_dict()["manifest"]["files"][0]["path"] == "colour/web/htq-mark-colour-web.png"


@pytest.mark.parametrize("filled", [False, True])
def test_a_link_to_a_folder_is_refused_without_asking_for_force_again(tmp_path: Path, filled: bool) -> None:
    """Before, a link to a folder with something in it was written through, and one to an empty folder was
    refused asking for the force that was given."""
    (tmp_path / "folder").mkdir()
    if filled:
        (tmp_path / "folder" / "mine.txt").write_text("mine")
    (tmp_path / "link").symlink_to(tmp_path / "folder")
    with pytest.raises(OutputExistsError, match="is a symbolic link") as refused:
        pack(tmp_path / "link", presets=["web"], variants=["colour"], force=True)
    assert "force" not in str(refused.value)
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == (["mine.txt"] if filled else [])


def test_an_empty_output_name_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, "" (an unset shell variable) meant the current folder, and --force replaced its files."""
    from htq_mark.generator._guide import write_guide_pictures

    monkeypatch.chdir(tmp_path)
    (tmp_path / "manifest.json").write_text("mine", encoding="utf-8")
    for write in (lambda: pack("", variants=["colour"], presets=["web"], force=True),
                  lambda: write_guide_pictures("", force=True)):
        with pytest.raises(UsageError, match="not an empty name"):
            write()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]
