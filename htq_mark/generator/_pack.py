"""A pack: every variant in every suitable format at the kit's named presets.

Screen presets (a width in px) give PNG, JPEG, WebP and SVG; print presets (a
width in mm) give PDF, EPS, SVG and a PNG at the preset's dpi. Paths inside the
pack are ``<variant>/<preset>/htq-mark-<variant>-<preset>.<ext>``, with
``manifest.json`` and the usage sheet ``index.html`` at the top.

Everything is drawn in memory first, so an error leaves nothing behind. An
output ending in ``.zip`` becomes a reproducible zip (sorted entries, fixed
timestamps from ``SOURCE_DATE_EPOCH`` or 1980-01-01); anything else becomes a
folder, which must not exist or be empty unless ``force`` is given (then the
pack's files are overwritten and other files are left alone).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, Literal

from .._io import check_writable, folder_mode, path_inside, refuse_over_read_files, write_atomic
from .._resolve import KitSource, register_files, resolve_kit
from .._version import __version__
from ..errors import HtqMarkError, OutputExistsError, UsageError
from ..kit import Kit, Preset
from ._entitlement import RegisterSource, checked_qualification
from ._generate import (
    AssetBuilder,
    AssetPlan,
    asset_metadata,
    plan_asset,
)
from ._metadata import source_date
from ._packed_file import PackedFile
from ._usage_sheet import usage_sheet

__all__ = ["MANIFEST_NAME", "MANIFEST_SCHEMA", "MM_PRESET_FORMATS", "PX_PRESET_FORMATS", "USAGE_SHEET_NAME",
           "PackResult", "PackedFile", "build_pack", "pack", "pack_path"]

MANIFEST_SCHEMA = "htq-mark.pack-manifest/1"
MANIFEST_NAME = "manifest.json"
USAGE_SHEET_NAME = "index.html"
PX_PRESET_FORMATS: tuple[str, ...] = ("png", "jpg", "webp", "svg")
MM_PRESET_FORMATS: tuple[str, ...] = ("pdf", "eps", "svg", "png")
SCREEN_DPI = 96  # the CSS pixel: the dpi recorded for screen presets that name none
_ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
_ZIP_LAST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class PackResult:
    """A written pack: where it is, its files and its manifest."""

    path: Path
    kind: Literal["zip", "folder"]
    files: tuple[PackedFile, ...]
    manifest: Mapping[str, Any]

    def describe(self) -> str:
        """One line for the command line."""
        return f"wrote {self.kind} {self.path}: {len(self.files)} files, {MANIFEST_NAME} and {USAGE_SHEET_NAME}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "kind": self.kind, "manifest": copy.deepcopy(dict(self.manifest))}


def pack_path(variant: str, preset: str, format: str) -> str:
    """The path of a file inside a pack."""
    return f"{variant}/{preset}/htq-mark-{variant}-{preset}.{format}"


def _safe_relative(path: str) -> str:
    pure = PurePosixPath(path)
    if pure.is_absolute() or "\\" in path or any(part in ("", ".", "..") for part in path.split("/")):
        raise UsageError(f"{path!r} would lead outside the pack; preset and variant names must be plain.")
    return path


def _formats_for(preset: Preset) -> tuple[str, ...]:
    return PX_PRESET_FORMATS if preset.width.endswith("px") else MM_PRESET_FORMATS


def _dpi_for(kit: Kit, preset: Preset) -> int:
    if preset.dpi is not None:
        return preset.dpi
    return SCREEN_DPI if preset.width.endswith("px") else kit.spec.recommended_ppi


def _select(available: Mapping[str, Any], chosen: Iterable[str] | None, what: str) -> list[str]:
    if chosen is None:
        return list(available)
    if isinstance(chosen, str):
        raise UsageError(f"give the {what}s as a list of names (e.g. [{chosen!r}]), not one string.")
    names = list(dict.fromkeys(chosen))  # a name given twice is one choice (each file is made once)
    unknown = [name for name in names if name not in available]
    if unknown or not names:
        raise UsageError(f"unknown {what} {', '.join(map(repr, unknown)) or '(none given)'}; "
                         f"choose from {', '.join(available)}.")
    return names


def build_pack(*, kit: KitSource = None, qualification: str | None = None,
               date: dt.date | None = None, register: RegisterSource = None, colour_space: str = "rgb",
               variants: Iterable[str] | None = None,
               presets: Iterable[str] | None = None) -> tuple[tuple[PackedFile, ...], dict[str, Any], bytes]:
    """Draw a pack in memory: its files, its manifest and its usage sheet (nothing is written)."""
    if colour_space not in ("rgb", "cmyk"):
        raise UsageError(f"unknown colour space {colour_space!r}; choose rgb or cmyk.")
    chosen = resolve_kit(kit)
    spec = chosen.spec
    variant_names = _select(chosen.artwork, variants, "variant")
    preset_names = _select(spec.presets, presets, "preset")
    if not preset_names:
        raise UsageError(f"{spec.source}: the kit defines no [presets]; add some to make a pack.")
    plans: list[tuple[str, str, AssetPlan]] = []
    for variant in variant_names:
        for name in preset_names:
            preset = spec.presets[name]
            for format in _formats_for(preset):
                space = colour_space if format in ("pdf", "eps") else "rgb"
                plan = plan_asset(chosen, variant=variant, format=format, width=preset.width,
                                  dpi=_dpi_for(chosen, preset), colour_space=space)
                plans.append((_safe_relative(pack_path(variant, name, format)), name, plan))
    normalised = checked_qualification(qualification, date, register)
    created = source_date()
    metadata = {variant: asset_metadata(chosen, variant, qualification=normalised, qualification_date=date,
                                        created=created) for variant in variant_names}
    builder = AssetBuilder(chosen, register)
    files = tuple(PackedFile(path=path, preset=preset, asset=builder.build(plan, metadata[plan.variant]))
                  for path, preset, plan in plans)
    sheet = usage_sheet(chosen, files, qualification=normalised)
    manifest = _manifest(chosen, files, sheet, preset_names, normalised, date, colour_space)
    return files, manifest, sheet


def _manifest(kit: Kit, files: Sequence[PackedFile], sheet: bytes, preset_names: Sequence[str],
              qualification: str | None, date: dt.date | None, colour_space: str) -> dict[str, Any]:
    presets = {}
    for name in preset_names:
        preset = kit.spec.presets[name]
        presets[name] = {"width": preset.width, "dpi": _dpi_for(kit, preset), "description": preset.description,
                         "formats": list(_formats_for(preset))}
    return {
        "schema": MANIFEST_SCHEMA,
        "tool": f"htq-mark {__version__}",
        "kit": {"name": kit.name, "version": kit.version, "sha256": kit.sha256},
        "qualification": ({"id": qualification, "checked_on": date.isoformat() if date else None}
                          if qualification else None),
        "colour_space": colour_space,
        "clear_space_ratio": kit.spec.clear_space_ratio,
        "presets": presets,
        "usage_sheet": {"path": USAGE_SHEET_NAME, "sha256": hashlib.sha256(sheet).hexdigest(),
                        "bytes": len(sheet)},
        "files": [packed.to_dict() for packed in files],
    }


def _zip_time() -> tuple[int, int, int, int, int, int]:
    # A ZIP file records dates from 1980 to 2107 only.
    when = min(max(source_date() or _ZIP_EPOCH, _ZIP_EPOCH), _ZIP_LAST)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)


def _zip_bytes(entries: Mapping[str, bytes]) -> bytes:
    stamp = _zip_time()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(entries):
            info = zipfile.ZipInfo(_safe_relative(path), date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions below mean the same everywhere
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[path], compresslevel=6)
    return buffer.getvalue()


def _write_tree(root: Path, entries: Mapping[str, bytes], force: bool, shown_root: Path | None = None) -> None:
    """Write ``entries`` below ``root``; errors name each file as below ``shown_root`` (where ``root`` will be)."""
    places = {path: _safe_relative(path).split("/") for path in sorted(entries)}
    for parts in places.values():  # every place checked before anything is written
        path_inside(root, parts, create_folders=False)
    for path, parts in places.items():
        write_atomic(path_inside(root, parts), entries[path], force=force,
                     shown_as=None if shown_root is None else shown_root.joinpath(*parts))


def _check_folder(target: Path, force: bool) -> bool:
    """Whether ``target`` is a non-empty folder to write into; raises if it may not be used."""
    if target.is_symlink():
        raise OutputExistsError(str(target), "is a symbolic link",
                                "a pack is not written through a link: give the folder it leads to, or another path.")
    if target.exists() and not target.is_dir():
        raise OutputExistsError(str(target), "exists and is a file, not a folder",
                                "a pack is written into a folder (or a .zip file): remove the file or choose "
                                "another output path.")
    filled = target.is_dir() and any(target.iterdir())
    if filled and not force:
        raise OutputExistsError(str(target), "the folder is not empty")
    return filled


def _write_folder(target: Path, entries: Mapping[str, bytes], force: bool) -> None:
    if _check_folder(target, force):
        _write_tree(target, entries, force=True)
        return
    if target.is_dir():
        # An empty folder is filled where it is: moving a new one into its place would fail for the current
        # folder (".") and change what any process working in it sees. On an error, what was written goes.
        try:
            _write_tree(target, entries, force=False)
        except BaseException:
            for top in {PurePosixPath(name).parts[0] for name in entries}:
                made = target / top
                if made.is_dir() and not made.is_symlink():
                    shutil.rmtree(made, ignore_errors=True)
                elif made.exists():
                    made.unlink()
            raise
        return
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise HtqMarkError(f"{target}: the folder {parent} does not exist; create it first.")
    # Build the pack beside the target and move it into place in one step.
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise HtqMarkError(f"{target}: the folder {parent} cannot be written to ({exc.strerror}); choose another "
                           "output path or check its permissions.") from exc
    try:
        # Files are named as where they were to go: the hidden folder they are built in is gone when an error is read.
        _write_tree(staging, entries, force=False, shown_root=target)
        for folder in [staging, *(p for p in staging.rglob("*") if p.is_dir())]:
            folder.chmod(folder_mode())
        try:
            os.rename(staging, target)
        except OSError as exc:
            raise OutputExistsError(str(target), f"could not be created ({exc.strerror})",
                                    "something took its place meanwhile: choose another output path.") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging)


# Archive suffixes a pack is not made as; such a name would otherwise become a folder.
_OTHER_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".gz", ".bz2", ".tbz2", ".xz", ".txz", ".zst", ".7z", ".rar", ".jar")


def _pack_names(kit: Kit) -> list[str]:
    """Every path a pack of ``kit`` may write inside its folder."""
    return [MANIFEST_NAME, USAGE_SHEET_NAME, *(pack_path(variant, name, format) for variant in kit.artwork
                                              for name, preset in kit.spec.presets.items()
                                              for format in _formats_for(preset))]


def pack(output: str | os.PathLike[str], *, kit: KitSource = None,
         qualification: str | None = None, date: dt.date | None = None, register: RegisterSource = None,
         colour_space: str = "rgb", variants: Iterable[str] | None = None,
         presets: Iterable[str] | None = None, force: bool = False) -> PackResult:
    """Build the pack and write it to ``output`` (a ``.zip`` file or a folder).

    ``qualification`` is checked on ``date`` (default today) and stamped into every
    file; ``colour_space="cmyk"`` applies to the PDF and EPS files. ``kit`` and
    ``register`` are loaded objects or paths; None is the folder ``$HTQ_MARK_KIT``
    names, else the bundled kit, and the file ``$HTQ_MARK_REGISTER`` names, else
    the built-in example register. Raises
    UsageError, OutputExistsError, KitError, RegisterError and NotEntitledError;
    nothing is written on any error.
    """
    if not isinstance(output, (str, os.PathLike)):
        raise UsageError(f"pack writes to a path (a folder, or a file ending in .zip), not {type(output).__name__}.")
    if os.fspath(output) == "":
        raise UsageError("pack needs a folder or a .zip file to write, not an empty name (an unset variable?); "
                         "name a new folder, or a file ending in .zip.")
    target = Path(output)
    is_zip = target.suffix.lower() == ".zip"
    if not is_zip and target.name.lower().endswith(_OTHER_ARCHIVES):
        raise UsageError(f"{target}: packs are made as a .zip file or a folder, not {target.suffix}; "
                         f"use {target.name.split('.')[0]}.zip or a folder name.")
    if is_zip:
        check_writable(target, force=force)
    else:
        _check_folder(target, force)
    chosen = resolve_kit(kit)
    # The kit's files and the register (given, if not needed) are never replaced, forced or not.
    refuse_over_read_files([target] if is_zip else [target / name for name in _pack_names(chosen)], "pack",
                           [*chosen.source_files, *register_files(register)])
    files, manifest, sheet = build_pack(kit=chosen, qualification=qualification, date=date, register=register,
                                        colour_space=colour_space, variants=variants, presets=presets)
    entries = {packed.path: packed.asset.data for packed in files}
    entries[USAGE_SHEET_NAME] = sheet
    entries[MANIFEST_NAME] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if is_zip:
        write_atomic(target, _zip_bytes(entries), force=force)
    else:
        _write_folder(target, entries, force)
    return PackResult(path=target, kind="zip" if is_zip else "folder", files=files,
                      manifest=MappingProxyType(manifest))
