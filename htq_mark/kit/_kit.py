"""A kit: the folder holding the mark's artwork and its usage spec.

The layout is the same for the bundled kit and for one the brand team sends::

    KIT/
      guidelines/spec.toml      the usage spec
      assets/*.svg              one artwork file per variant, as the spec names them

``load_kit()`` returns the kit named by its argument, else by the environment
variable ``HTQ_MARK_KIT``, else the kit bundled with the package.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from .._io import read_limited
from ..errors import KitError, UnsafeArtworkError, UsageError
from ._spec import Spec, load_spec_file
from ._svg_safety import MAX_SVG_BYTES, SvgGeometry, check_svg

__all__ = ["Artwork", "Kit", "KIT_ENV_VAR", "SPEC_PATH", "bundled_kit_path", "load_kit"]

KIT_ENV_VAR = "HTQ_MARK_KIT"
SPEC_PATH = Path("guidelines") / "spec.toml"
BUNDLED_NAME = "bundled"


@dataclass(frozen=True)
class Artwork:
    """One variant's master artwork: checked SVG bytes and their geometry."""

    variant: str
    path: Path
    svg: bytes
    geometry: SvgGeometry

    @property
    def aspect_ratio(self) -> float:
        """Width divided by height of the artwork itself."""
        return self.geometry.width / self.geometry.height


@dataclass(frozen=True)
class Kit:
    """A loaded kit: its folder, validated spec and checked artwork per variant."""

    root: Path
    spec: Spec
    artwork: Mapping[str, Artwork]
    sha256: str
    bundled: bool

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def version(self) -> str:
        return self.spec.version

    @property
    def aspect_ratio(self) -> float:
        """The mark's width/height (that of the first variant; all must agree)."""
        return next(iter(self.artwork.values())).aspect_ratio

    @property
    def source_files(self) -> tuple[Path, ...]:
        """The files the kit is read from (its spec and artwork); the bundled kit's too, as a checkout's may be written."""
        return (Path(os.path.abspath(self.root / SPEC_PATH)), *(artwork.path for artwork in self.artwork.values()))

    def artwork_for(self, variant: str) -> Artwork:
        """The artwork of ``variant``; raises KitError naming the variants there are."""
        try:
            return self.artwork[variant]
        except KeyError:
            raise KitError(f"{self.root}: the kit has no variant {variant!r}; "
                           f"choose one of {', '.join(self.artwork)}.") from None

    def describe(self) -> dict[str, str]:
        """Name, version, sha256 and source of the kit, as reports record them."""
        return {"name": self.name, "version": self.version, "sha256": self.sha256,
                "source": BUNDLED_NAME if self.bundled else str(self.root)}


def bundled_kit_path() -> Path:
    """The folder of the kit that ships with the package."""
    packaged = Path(str(resources.files("htq_mark"))) / "_bundled"
    if (packaged / SPEC_PATH).is_file():
        return packaged
    source_tree = Path(__file__).resolve().parents[2]
    if (source_tree / SPEC_PATH).is_file():
        return source_tree
    raise KitError("the bundled kit is missing from this installation; reinstall htq-mark "
                   f"or point {KIT_ENV_VAR} at a kit folder.")


def _inside(root: Path, relative: str, source: str) -> Path:
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root.resolve()):
        raise KitError(f"{source}: artwork path {relative!r} leads outside the kit folder {root}; "
                       "keep artwork inside the kit.")
    return candidate


def load_kit(path: str | os.PathLike[str] | None = None) -> Kit:
    """Load and check a kit folder (default: ``$HTQ_MARK_KIT``, else the bundled kit)."""
    from_environment = path is None and bool(os.environ.get(KIT_ENV_VAR))
    if from_environment:
        path = os.environ[KIT_ENV_VAR]
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"a kit is given as the path of its folder (or None for the default), "
                         f"not {type(path).__name__}.")
    bundled = path is None
    root = bundled_kit_path() if path is None else Path(path)
    if not root.is_dir():
        problem = "is not a folder" if root.exists() else "does not exist"
        named = f" (the folder is named by {KIT_ENV_VAR})" if from_environment else ""
        raise KitError(f"{root}: {problem}{named}; a kit is a folder holding {SPEC_PATH} and its artwork.")
    spec_file = root / SPEC_PATH
    spec, spec_bytes = load_spec_file(spec_file)
    digest = hashlib.sha256(spec_bytes)
    artwork: dict[str, Artwork] = {}
    for name, variant in spec.variants.items():
        file = _inside(root, variant.artwork, str(spec_file))
        try:
            data = read_limited(file, limit=MAX_SVG_BYTES, what="SVG artwork", refuse=UnsafeArtworkError)
        except OSError as exc:
            raise KitError(f"{file}: the artwork for variant {name!r} cannot be read ({exc.strerror}); "
                           f"check [variants.{name}] artwork in {spec_file}.") from exc
        artwork[name] = Artwork(variant=name, path=file, svg=data, geometry=check_svg(data, str(file)))
        digest.update(name.encode() + b"\0" + data)
    ratios = {name: a.aspect_ratio for name, a in artwork.items()}
    first = next(iter(ratios.values()))
    for name, ratio in ratios.items():
        if abs(ratio / first - 1) > 1e-3:
            raise KitError(f"{artwork[name].path}: its proportions ({ratio:.3f}) differ from the other "
                           f"variants' ({first:.3f}); all variants must have the same shape.")
    return Kit(root=root, spec=spec, artwork=MappingProxyType(artwork), sha256=digest.hexdigest(),
               bundled=bundled)
