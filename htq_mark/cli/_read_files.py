"""Outputs are never written over the files a command reads, even with --force."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import click

from .._io import file_identity
from ..kit import Kit
from ._terminal import visible

__all__ = ["KIT_PARTS", "refuse_over_read_files"]

KIT_PARTS = ("guidelines", "assets")  # the folders of a kit that hold its files


def refuse_over_read_files(target: str, what: str, *, read: Iterable[str | None] = (), kit: Kit | None = None,
                           label: str | None = None) -> None:
    """Refuse to write the ``what`` (a report, the artwork, a pack) to ``target`` if that would replace a file
    the command reads: one of ``read`` (a register, a config file...) or a file of ``kit`` (unless bundled).

    A ``target`` folder (a pack, replaced as a whole with --force) may hold none of them
    either. ``label`` names the target in the message (default: its path).
    """
    resolved = Path(target).resolve()
    identity = file_identity(target)
    replaced_folder = os.path.isdir(target)
    label = visible(target) if label is None else label
    for path in (path for path in read if path):
        if (identity is not None and file_identity(path) == identity) \
                or (replaced_folder and Path(path).resolve().is_relative_to(resolved)):
            raise click.UsageError(f"{label} {'holds' if replaced_folder else 'is'} a file this command reads "
                                   f"({visible(path)}); write the {what} elsewhere.")
    if kit is None or kit.bundled:
        return
    for part in (Path(kit.root, part).resolve() for part in KIT_PARTS):
        if (identity is not None and resolved.is_relative_to(part)) \
                or (replaced_folder and part.is_relative_to(resolved)):
            raise click.UsageError(f"{label} {'holds' if replaced_folder else 'is'} one of the kit's files "
                                   f"({visible(str(part))}); write the {what} elsewhere.")
