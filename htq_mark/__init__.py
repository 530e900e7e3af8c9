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
    ScanTimeoutError,
    SpecError,
    UnreadableFileError,
    UnsafeArtworkError,
    UnsupportedFormatError,
    UsageError,
)

if TYPE_CHECKING:
    from .generator import GeneratedAsset, PackResult, generate, pack
    from .kit import Kit, Spec, load_kit
    from .register import (
        Entitlement,
        QualificationRecord,
        Reason,
        Register,
        default_register,
        load_register,
        normalise_qualification_id,
    )
    from .scanner import (
        DocumentResult,
        Finding,
        Mark,
        ScanReport,
        scan,
        scan_document,
    )
    from .web import CrawlOptions, WebOptions, scan_url

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
    "DocumentResult": "htq_mark.scanner",
    "Finding": "htq_mark.scanner",
    "Mark": "htq_mark.scanner",
    "ScanReport": "htq_mark.scanner",
    "scan": "htq_mark.scanner",
    "scan_document": "htq_mark.scanner",
    "CrawlOptions": "htq_mark.web",
    "WebOptions": "htq_mark.web",
    "scan_url": "htq_mark.web",
}

__all__ = sorted([
    "__version__",
    "BelowMinimumSizeError",
    "BlockedError",
    "BrowserUnavailableError",
    "EncryptedDocumentError",
    "HtqMarkError",
    "InputError",
    "KitError",
    "LimitExceededError",
    "NotEntitledError",
    "OutputExistsError",
    "RegisterError",
    "RegisterProblem",
    "RegisterValidationError",
    "ScanTimeoutError",
    "SpecError",
    "UnreadableFileError",
    "UnsafeArtworkError",
    "UnsupportedFormatError",
    "UsageError",
    *_LAZY,
])


# Subpackages reachable as attributes (``htq_mark.reports.html.render``) without an import.
_SUBPACKAGES = ("generator", "kit", "register", "reports", "scanner", "web")


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'htq_mark' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
