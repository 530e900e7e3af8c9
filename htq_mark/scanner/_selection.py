"""Choose which rules a report keeps and how severe each is (``--select``, ``--ignore``, ``--severity``)."""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .._catalogue import RULES, Severity
from ..errors import UsageError
from ._results import DocumentResult, ScanReport, ScanSettings

__all__ = ["SEVERITY_LEVELS", "RuleSelection", "select_rules", "select_rules_in", "settings_of"]

SEVERITY_LEVELS: tuple[Severity, ...] = tuple(Severity)


def _known(rules: Iterable[str], what: str) -> frozenset[str]:
    if isinstance(rules, (str, bytes)):
        raise UsageError(f"{what} takes a list of rules, not one as text: write {what}=({rules!r},).")
    if not isinstance(rules, Iterable):
        raise UsageError(f"{what} takes a list of rules, not {type(rules).__name__}.")
    chosen = frozenset(rules)
    unknown = sorted(chosen - set(RULES))
    if unknown:
        raise UsageError(f"{what}: unknown rule(s) {', '.join(unknown)}; the rules are {', '.join(RULES)} "
                         "(see htq-mark rules).")
    return chosen


@dataclass(frozen=True)
class RuleSelection:
    """Which rules are reported (``select``, default all, minus ``ignore``) and severity overrides."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=lambda: types.MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.select is not None:
            object.__setattr__(self, "select", _known(self.select, "select"))
        object.__setattr__(self, "ignore", _known(self.ignore, "ignore"))
        if not isinstance(self.severity, Mapping):
            raise UsageError(f"severity takes a mapping of rule to level, such as {{'too-small': 'warning'}}; "
                             f"not {type(self.severity).__name__}.")
        _known(self.severity, "severity")
        bad = {rule: level for rule, level in self.severity.items() if level not in SEVERITY_LEVELS}
        if bad:
            rule, level = next(iter(bad.items()))
            raise UsageError(f"severity: {level!r} for {rule} is not a level; use one of "
                             f"{', '.join(SEVERITY_LEVELS)}.")
        object.__setattr__(self, "severity", types.MappingProxyType(
            {rule: Severity(level) for rule, level in self.severity.items()}))

    def reports(self, rule: str) -> bool:
        """Whether findings of ``rule`` are kept."""
        return (self.select is None or rule in self.select) and rule not in self.ignore

    @property
    def is_default(self) -> bool:
        return self.select is None and not self.ignore and not self.severity


def settings_of(selection: RuleSelection | None, ocr: str, exclude: tuple[str, ...] | None = None, *,
                force_exclude: bool = False) -> ScanSettings:
    """The report's record of ``selection`` (None: every rule as it is), the OCR mode and the excludes
    (None: the defaults), and whether they applied to paths given by name too."""
    if selection is None:
        return ScanSettings(ocr=ocr, exclude=exclude, force_exclude=force_exclude)
    return ScanSettings(ocr=ocr, select=None if selection.select is None else tuple(sorted(selection.select)),
                        ignore=tuple(sorted(selection.ignore)),
                        severity=tuple(sorted((rule, level.value) for rule, level in selection.severity.items())),
                        exclude=exclude, force_exclude=force_exclude)


def select_rules_in(document: DocumentResult, selection: RuleSelection) -> DocumentResult:
    """``document`` with only the selected rules' findings, at their chosen severities."""
    kept = tuple(
        dataclasses.replace(finding, severity=selection.severity[finding.rule])
        if finding.rule in selection.severity else finding
        for finding in document.findings if selection.reports(finding.rule))
    return dataclasses.replace(document, findings=kept)


def select_rules(report: ScanReport, selection: RuleSelection) -> ScanReport:
    """``report`` with only the selected rules' findings, at their chosen severities (and its settings saying so)."""
    if selection.is_default:
        return report
    return dataclasses.replace(report, documents=tuple(select_rules_in(d, selection) for d in report.documents),
                               settings=None if report.settings is None else _then(report.settings, selection))


def _then(settings: ScanSettings, selection: RuleSelection) -> ScanSettings:
    """``settings`` after ``selection`` is applied to what they let through."""
    chosen = settings_of(selection, settings.ocr)
    select = chosen.select if settings.select is None else \
        settings.select if chosen.select is None else tuple(sorted(set(settings.select) & set(chosen.select)))
    return dataclasses.replace(settings, select=select, ignore=tuple(sorted({*settings.ignore, *chosen.ignore})),
                               severity=tuple(sorted({**dict(settings.severity), **dict(chosen.severity)}.items())))
