"""Generate the mark's files: one at a time (:func:`generate`) or as a pack (:func:`pack`).

The package is callable: ``htq_mark.generate(...)`` is :func:`generate`, whichever
way the package was imported.
"""

import sys
import types
from typing import Any

from .canvas import Layout
from .generate import FORMATS, GeneratedAsset, generate
from .pack import PackedFile, PackResult, pack
from .units import Length, parse_length

__all__ = ["FORMATS", "GeneratedAsset", "Layout", "Length", "PackResult", "PackedFile", "generate", "pack",
           "parse_length"]


class _CallablePackage(types.ModuleType):
    """``htq_mark.generate`` is both this package and the function: calling it generates."""

    def __call__(self, *args: Any, **kwargs: Any) -> GeneratedAsset:
        return generate(*args, **kwargs)


__wrapped__ = generate  # inspect.signature() and help() show the function's signature
sys.modules[__name__].__class__ = _CallablePackage
