"""Outputs are never written over the files a command reads, even with --force."""

from __future__ import annotations

import os
from collections.abc import Iterable

from .._io import file_identity
from ..errors import UsageError
from ..kit import Kit
from ..kit._kit import SPEC_PATH
from ._terminal import visible

__all__ = ["kit_files", "refuse_over_read_files"]


def kit_files(kit: Kit) -> list[str]:
    """The files a kit is read from (its spec and artwork); none for the bundled kit, which is never written."""
    if kit.bundled:
        return []
    return [str(kit.root / SPEC_PATH), *(str(artwork.path) for artwork in kit.artwork.values())]


def refuse_over_read_files(target: str, what: str, read: Iterable[str | None], *,
                           below: Iterable[str] | None = None) -> None:
    """Raise :class:`UsageError` if writing the ``what`` (the artwork, a pack...) to ``target`` would replace
    one of the files ``read`` (the files given to the command to read, whether or not it needs them).

    ``below`` are the paths written inside a ``target`` folder (a pack's files, into a
    folder that is there already); without them, ``target`` is the one file written.
    """
    reads = {identity: path for path in read if path and (identity := file_identity(path)) is not None}
    written = [target] if below is None else [os.path.join(target, name) for name in below]
    for path in written:
        identity = file_identity(path)
        if identity in reads:
            raise UsageError(f"{visible(path)} is a file given to this command to read ({visible(reads[identity])}); "
                             f"write the {what} elsewhere.")
