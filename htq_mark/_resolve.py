"""Which kit and which register a call uses: the one policy every entry point follows.

``generate()``, ``pack()``, ``scan()``, ``scan_document()``, ``scan_url()`` and
the command line take a kit and a register as a loaded object, a path, or None.
None means the environment's choice: the kit folder named by ``HTQ_MARK_KIT``,
else the kit bundled with the package; the register file named by
``HTQ_MARK_REGISTER``, else the built-in example register.
"""

from __future__ import annotations

import os
from typing import Union

from .errors import UsageError
from .kit import Kit, load_kit
from .register import Register, configured_register, configured_register_file

__all__ = ["KitSource", "RegisterSource", "register_files", "resolve_kit", "resolve_register"]

#: A kit as entry points take it: loaded, a kit folder, or None for ``$HTQ_MARK_KIT`` or the bundled kit.
KitSource = Union[Kit, str, "os.PathLike[str]", None]
#: A register as entry points take it: loaded, a register file, or None for ``$HTQ_MARK_REGISTER`` or the
#: built-in example.
RegisterSource = Union[Register, str, "os.PathLike[str]", None]


def resolve_kit(kit: KitSource = None) -> Kit:
    """``kit`` itself, the kit folder it names, or for None the folder ``$HTQ_MARK_KIT`` names, else the bundled
    kit."""
    return kit if isinstance(kit, Kit) else load_kit(kit)


def resolve_register(register: RegisterSource = None) -> Register:
    """``register`` itself, the register file it names, or for None the file ``$HTQ_MARK_REGISTER`` names, else
    the built-in example register."""
    _check_register_source(register)
    return register if isinstance(register, Register) else configured_register(register)


def register_files(register: RegisterSource = None) -> tuple[str, ...]:
    """The files ``register`` is (or would be) read from, as absolute paths, without reading it: a loaded
    register's :attr:`~htq_mark.register.Register.source_files`, else the file :func:`resolve_register` reads."""
    _check_register_source(register)
    if isinstance(register, Register):
        return register.source_files
    return (os.path.abspath(configured_register_file(register)),)


def _check_register_source(register: object) -> None:
    if register is not None and not isinstance(register, (Register, str, os.PathLike)):
        raise UsageError(f"a register is given loaded, as the path of its file, or None for the default; "
                         f"not {type(register).__name__}.")
