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
    from .generator import PackResult as PackResult
    from .generator import generate as generate
    from .generator import pack as pack
    from .kit import Kit as Kit
    from .kit import Spec as Spec
    from .kit import load_kit as load_kit
    from .register import Entitlement as Entitlement
    from .register import QualificationRecord as QualificationRecord
    from .register import Reason as Reason
    from .register import Register as Register
    from .register import default_register as default_register
    from .register import load_register as load_register
    from .register import normalise_qualification_id as normalise_qualification_id
    from .reports import load_report as load_report
    from .scanner import DocumentResult as DocumentResult
    from .scanner import Finding as Finding
    from .scanner import Mark as Mark
    from .scanner import Note as Note
    from .scanner import RuleSelection as RuleSelection
    from .scanner import ScanReport as ScanReport
    from .scanner import ScanStream as ScanStream
    from .scanner import scan as scan
    from .scanner import scan_iter as scan_iter
    from .scanner import scan_document as scan_document
    from .web import CrawlOptions as CrawlOptions
    from .web import WebOptions as WebOptions
    from .web import scan_url as scan_url
    from . import generator as generator
    from . import kit as kit
    from . import register as register
    from . import reports as reports
    from . import scanner as scanner
    from . import web as web

# Public name -> the module that defines it; imported on first access.
_LAZY = {
    "Kit": "htq_mark.kit",
    "Spec": "htq_mark.kit",
    "load_kit": "htq_mark.kit",
    "GeneratedAsset": "htq_mark.generator",
    "PackResult": "htq_mark.generator",
    "generate": "htq_mark.generator",
    "pack": "htq_mark.generator",
    "Entitlement": "htq_mark.register",
    "QualificationRecord": "htq_mark.register",
    "Reason": "htq_mark.register",
    "Register": "htq_mark.register",
    "default_register": "htq_mark.register",
    "load_register": "htq_mark.register",
    "normalise_qualification_id": "htq_mark.register",
    "load_report": "htq_mark.reports",
    "DocumentResult": "htq_mark.scanner",
    "Finding": "htq_mark.scanner",
    "Mark": "htq_mark.scanner",
    "Note": "htq_mark.scanner",
    "RuleSelection": "htq_mark.scanner",
    "ScanReport": "htq_mark.scanner",
    "ScanStream": "htq_mark.scanner",
    "scan": "htq_mark.scanner",
    "scan_iter": "htq_mark.scanner",
    "scan_document": "htq_mark.scanner",
    "CrawlOptions": "htq_mark.web",
    "WebOptions": "htq_mark.web",
    "scan_url": "htq_mark.web",
}

__all__ = [
    "BelowMinimumSizeError",
    "BlockedError",
    "BrowserUnavailableError",
    "ConfigError",
    "CrawlOptions",
    "DocumentResult",
    "EncryptedDocumentError",
    "Entitlement",
    "Finding",
    "GeneratedAsset",
    "HtqMarkError",
    "InputError",
    "Kit",
    "KitError",
    "LimitExceededError",
    "Mark",
    "NotEntitledError",
    "Note",
    "OutputExistsError",
    "PackResult",
    "QualificationRecord",
    "Reason",
    "Register",
    "RegisterError",
    "RegisterProblem",
    "RegisterValidationError",
    "ReportFileError",
    "RuleSelection",
    "ScanReport",
    "ScanStream",
    "ScanTimeoutError",
    "Spec",
    "SpecError",
    "UnreadableFileError",
    "UnsafeArtworkError",
    "UnsupportedFormatError",
    "UsageError",
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


# Subpackages reachable as attributes (``htq_mark.reports.render``) without an import.
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
