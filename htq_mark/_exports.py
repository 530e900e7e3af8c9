"""What ``htq_mark`` exports from its subpackages, and the module those objects report.

Objects exported at the top report ``htq_mark`` as their ``__module__`` (as they
are documented and imported), so reprs, documentation and pickles name
``htq_mark.Finding`` rather than the private module that happens to define it;
the other classes and functions a subpackage exports report the subpackage
(``htq_mark.scanner.apply_baseline``). Pickles still load: ``htq_mark.<name>``
imports its subpackage on first use.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["LAZY", "PUBLIC_MODULE", "claim", "claim_exports"]

PUBLIC_MODULE = "htq_mark"

#: Public name -> the subpackage that defines it; ``htq_mark`` imports it on first access.
LAZY: Mapping[str, str] = {
    "Artwork": "htq_mark.kit",
    "BackgroundRules": "htq_mark.kit",
    "Colour": "htq_mark.kit",
    "Kit": "htq_mark.kit",
    "Preset": "htq_mark.kit",
    "ScanThresholds": "htq_mark.kit",
    "Spec": "htq_mark.kit",
    "SvgGeometry": "htq_mark.kit",
    "Variant": "htq_mark.kit",
    "load_kit": "htq_mark.kit",
    "GeneratedAsset": "htq_mark.generator",
    "Layout": "htq_mark.generator",
    "Length": "htq_mark.generator",
    "PackResult": "htq_mark.generator",
    "PackedFile": "htq_mark.generator",
    "generate": "htq_mark.generator",
    "pack": "htq_mark.generator",
    "Entitlement": "htq_mark.register",
    "QualificationRecord": "htq_mark.register",
    "Reason": "htq_mark.register",
    "Register": "htq_mark.register",
    "RegisterProvenance": "htq_mark.register",
    "default_register": "htq_mark.register",
    "load_register": "htq_mark.register",
    "normalise_qualification_id": "htq_mark.register",
    "load_report": "htq_mark.reports",
    "DEFAULT_LIMITS": "htq_mark.scanner",
    "DocumentError": "htq_mark.scanner",
    "DocumentResult": "htq_mark.scanner",
    "References": "htq_mark.scanner._detect",
    "Finding": "htq_mark.scanner",
    "Limits": "htq_mark.scanner",
    "Mark": "htq_mark.scanner",
    "Note": "htq_mark.scanner",
    "PageImage": "htq_mark.scanner",
    "PageInfo": "htq_mark.scanner",
    "RuleSelection": "htq_mark.scanner",
    "ScanReport": "htq_mark.scanner",
    "ScanStream": "htq_mark.scanner",
    "ScanSettings": "htq_mark.scanner",
    "Source": "htq_mark.scanner",
    "OcrMode": "htq_mark.scanner",
    "Progress": "htq_mark.scanner",
    "KitSource": "htq_mark._resolve",
    "RegisterSource": "htq_mark._resolve",
    "scan": "htq_mark.scanner",
    "scan_iter": "htq_mark.scanner",
    "scan_document": "htq_mark.scanner",
    "CrawlOptions": "htq_mark.web",
    "WebOptions": "htq_mark.web",
    "scan_url": "htq_mark.web",
}


def claim(objects: Iterable[Any]) -> None:
    """Make each class and function of ``objects`` report ``htq_mark`` as its module (other values are left)."""
    for value in objects:
        if isinstance(value, type) or inspect.isfunction(value):
            value.__module__ = PUBLIC_MODULE


def claim_exports(package: str, namespace: Mapping[str, Any]) -> None:
    """Name the public module of what ``package`` exports: ``htq_mark`` for what the top exports, else ``package``.

    Only objects defined in ``package``'s private modules are renamed, not ones it passes on from elsewhere.
    """
    for name in namespace.get("__all__", ()):
        value = namespace[name]
        if (isinstance(value, type) or inspect.isfunction(value)) and value.__module__.startswith(f"{package}._"):
            value.__module__ = package
    claim(namespace[name] for name, home in LAZY.items() if home == package)
