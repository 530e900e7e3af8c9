"""htq-mark: the quality mark of England's Higher Technical Qualifications.

Generate the mark's files, check whether a qualification is entitled to it, and
scan documents for misuse::

    import htq_mark
    kit = htq_mark.load_kit()
    asset = htq_mark.generate(variant="colour", format="png", width="300px")
    decision = htq_mark.default_register().check("603/7595/4", on=datetime.date.today())
    report = htq_mark.scan(["prospectus.pdf", "https://www.example-college.ac.uk/courses/htq"])
    page = htq_mark.scan_url("https://www.example-college.ac.uk/courses/htq")

Names are imported on first use, so ``import htq_mark`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._catalogue import ErrorCode, Severity
from ._exports import LAZY as _LAZY
from ._exports import claim as _claim
from ._version import __version__
from .errors import (
    BelowMinimumSizeError,
    BlockedError,
    BrowserUnavailableError,
    ConfigError,
    EncryptedDocumentError,
    HtqMarkError,
    InputError,
    KitError,
    LimitExceededError,
    MalformedQualificationIdError,
    NotEntitledError,
    OutputExistsError,
    RegisterError,
    RegisterProblem,
    RegisterValidationError,
    ReportFileError,
    ScanTimeoutError,
    SpecError,
    UnreadableFileError,
    UnsafeArtworkError,
    UnsupportedFormatError,
    UsageError,
)

if TYPE_CHECKING:  # explicit re-exports, so type checkers see what __getattr__ gives
    from .generator import GeneratedAsset as GeneratedAsset
    from .generator import Layout as Layout
    from .generator import Length as Length
    from .generator import PackResult as PackResult
    from .generator import PackedFile as PackedFile
    from .generator import generate as generate
    from .generator import pack as pack
    from .kit import Artwork as Artwork
    from .kit import BackgroundRules as BackgroundRules
    from .kit import Colour as Colour
    from .kit import Kit as Kit
    from .kit import Preset as Preset
    from .kit import ScanThresholds as ScanThresholds
    from .kit import Spec as Spec
    from .kit import SvgGeometry as SvgGeometry
    from .kit import Variant as Variant
    from .kit import load_kit as load_kit
    from .register import Entitlement as Entitlement
    from .register import QualificationRecord as QualificationRecord
    from .register import Reason as Reason
    from .register import Register as Register
    from .register import RegisterProvenance as RegisterProvenance
    from .register import default_register as default_register
    from .register import load_register as load_register
    from .register import normalise_qualification_id as normalise_qualification_id
    from .reports import load_report as load_report
    from .scanner import DEFAULT_LIMITS as DEFAULT_LIMITS
    from .scanner import DocumentError as DocumentError
    from .scanner import DocumentResult as DocumentResult
    from .scanner import Finding as Finding
    from .scanner import Limits as Limits
    from .scanner import Mark as Mark
    from .scanner import Note as Note
    from .scanner import PageImage as PageImage
    from .scanner import PageInfo as PageInfo
    from .scanner import RuleSelection as RuleSelection
    from .scanner import ScanReport as ScanReport
    from .scanner import OcrMode as OcrMode
    from .scanner import Progress as Progress
    from .scanner import ScanStream as ScanStream
    from .scanner import ScanSettings as ScanSettings
    from .scanner import Source as Source
    from ._resolve import KitSource as KitSource
    from ._resolve import RegisterSource as RegisterSource
    from .scanner import scan as scan
    from .scanner import scan_iter as scan_iter
    from .scanner import scan_document as scan_document
    from .scanner._detect import References as References
    from .web import CrawlOptions as CrawlOptions
    from .web import WebOptions as WebOptions
    from .web import scan_url as scan_url
    from . import generator as generator
    from . import kit as kit
    from . import register as register
    from . import reports as reports
    from . import scanner as scanner
    from . import web as web

__all__ = [
    "Artwork",
    "BackgroundRules",
    "BelowMinimumSizeError",
    "BlockedError",
    "BrowserUnavailableError",
    "Colour",
    "ConfigError",
    "CrawlOptions",
    "DEFAULT_LIMITS",
    "DocumentError",
    "DocumentResult",
    "EncryptedDocumentError",
    "Entitlement",
    "ErrorCode",
    "Finding",
    "GeneratedAsset",
    "HtqMarkError",
    "InputError",
    "Kit",
    "KitError",
    "KitSource",
    "Layout",
    "Length",
    "LimitExceededError",
    "Limits",
    "MalformedQualificationIdError",
    "Mark",
    "NotEntitledError",
    "Note",
    "OcrMode",
    "OutputExistsError",
    "PackResult",
    "PackedFile",
    "PageImage",
    "PageInfo",
    "Preset",
    "Progress",
    "QualificationRecord",
    "Reason",
    "References",
    "Register",
    "RegisterError",
    "RegisterProblem",
    "RegisterProvenance",
    "RegisterSource",
    "RegisterValidationError",
    "ReportFileError",
    "RuleSelection",
    "ScanReport",
    "ScanSettings",
    "ScanStream",
    "ScanThresholds",
    "ScanTimeoutError",
    "Severity",
    "Source",
    "Spec",
    "SpecError",
    "SvgGeometry",
    "UnreadableFileError",
    "UnsafeArtworkError",
    "UnsupportedFormatError",
    "UsageError",
    "Variant",
    "WebOptions",
    "__version__",
    "default_register",
    "generate",
    "load_kit",
    "load_register",
    "load_report",
    "normalise_qualification_id",
    "pack",
    "scan",
    "scan_document",
    "scan_iter",
    "scan_url",
]


# Everything defined here or in the modules imported above reports htq_mark as its module; the
# subpackages do the same for their exports when they are imported (see _exports).
_claim(globals()[name] for name in __all__ if name not in _LAZY)

# Subpackages reachable as attributes (``htq_mark.reports._html.render``) without an import.
_SUBPACKAGES = ("generator", "kit", "register", "reports", "scanner", "web")


def _lazy_attribute(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'htq_mark' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


# Hidden from type checkers, which then see only the names imported above, not "any name at all".
if not TYPE_CHECKING:
    __getattr__ = _lazy_attribute


def __dir__() -> list[str]:
    return __all__
