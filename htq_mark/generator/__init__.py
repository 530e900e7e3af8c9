"""The generator: the mark's files one at a time (:func:`generate`) or as a pack (:func:`pack`)."""

from ._canvas import Layout
from ._generate import FORMATS, GeneratedAsset, generate
from ._pack import PackedFile, PackResult, pack
from ._units import Length, parse_length

__all__ = ["FORMATS", "GeneratedAsset", "Layout", "Length", "PackResult", "PackedFile", "generate", "pack",
           "parse_length"]
