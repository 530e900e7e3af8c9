"""The generator: the mark's files one at a time (:func:`generate`) or as a pack (:func:`pack`)."""

from .._exports import claim_exports
from ._canvas import Layout
from ._generate import FORMATS, GeneratedAsset, format_for_path, generate
from ._pack import PackedFile, PackResult, pack
from ._units import Length, parse_length

__all__ = ["FORMATS", "GeneratedAsset", "Layout", "Length", "PackResult", "PackedFile", "format_for_path", "generate",
           "pack", "parse_length"]

# The names htq_mark exports from here report htq_mark as their module.
claim_exports(__name__, globals())
