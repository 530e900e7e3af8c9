"""Configuration files: scan settings kept with a project, as ruff and bandit do it.

Settings live in ``htq-mark.toml`` (top level) or in ``pyproject.toml`` under
``[tool.htq-mark]``. :func:`find_config` looks in the working folder and then in
each folder above it; in one folder ``htq-mark.toml`` wins, and a
``pyproject.toml`` without the table is passed over. Paths in the file are
relative to the file's folder.

Every setting is one row of :data:`SCAN_SETTINGS`: its key in the file, how its
value is checked and converted, and the command-line parameter it stands in for,
so a new scan option needs one new row. Values given on the command line win.
"""

from __future__ import annotations

import datetime
import glob
import math
import os
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ._catalogue import FAIL_ON_CHOICES, RULES, Severity
from ._dates import as_day
from ._io import read_limited
from .errors import ConfigError, UsageError
from .reports import FORMATS
from .scanner._limits import Limits, ceiling, is_count
from .scanner._results import fail_on_threshold

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["CONFIG_FILE", "MAX_NUMBER", "SCAN_SETTINGS", "Config", "Setting", "find_config", "load_config"]

CONFIG_FILE = "htq-mark.toml"
PYPROJECT = "pyproject.toml"
TABLE = "htq-mark"

#: A checker takes the value and the folder relative paths start from; it raises ValueError with what is wrong.
Checker = Callable[[Any, Path], Any]
#: The largest whole number a setting takes (more than any limit needs).
MAX_NUMBER = 2**53


def _choice(*allowed: str) -> Checker:
    def check(value: Any, _: Path) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return str(value)
    return check


def _choices(*allowed: str) -> Checker:
    def check(value: Any, base: Path) -> tuple[str, ...]:
        chosen = _strings(value, base)
        wrong = [item for item in chosen if item not in allowed]
        if wrong or not chosen:
            raise ValueError(f"must be one of {', '.join(allowed)} (or a list of them)")
        return chosen
    return check


def _fail_on(value: Any, base: Path) -> tuple[str, ...]:
    chosen: tuple[str, ...] = _choices(*FAIL_ON_CHOICES)(value, base)
    try:
        fail_on_threshold(chosen)  # the values together: never with a severity is refused
    except UsageError as exc:
        raise ValueError(f"is refused: {exc}") from None
    return chosen


def _text(value: Any, _: Path) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("must be a non-empty string")
    return value


def _path(value: Any, base: Path) -> str:
    if "\0" in _text(value, base):
        raise ValueError("must be a path (it holds a NUL character)")
    if value == "-":
        raise ValueError("must be a file's path, not \"-\": a config file cannot name standard input or output")
    return str(base / os.path.expanduser(value))


def _flag(value: Any, _: Path) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _number(minimum: float, whole: bool) -> Checker:
    def check(value: Any, _: Path) -> float | int:
        # A TOML integer has no bound: math.isfinite() and float() overflow on a huge one.
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or (isinstance(value, float) and not math.isfinite(value)):
            raise ValueError("must be a number")
        if isinstance(value, int) and abs(value) > MAX_NUMBER:
            raise ValueError(f"must be at most {MAX_NUMBER:,}")
        if whole and not float(value).is_integer():
            raise ValueError("must be a whole number")
        if value < minimum or (minimum == 0 and value == 0):
            raise ValueError(f"must be {'above 0' if minimum == 0 else f'at least {minimum:g}'}")
        return int(value) if whole or isinstance(value, int) else float(value)
    return check


def _at_least_zero(whole: bool) -> Checker:
    def check(value: Any, base: Path) -> float | int:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise ValueError("must be 0 or more")
        if value == 0 and not isinstance(value, bool):
            return 0
        checked: float | int = _number(0, whole)(value, base)
        return checked
    return check


def _strings(value: Any, base: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        raise ValueError("must be a list of strings")
    return tuple(_text(item, base) for item in value)


def _globs(value: Any, base: Path) -> tuple[str, ...]:
    """Exclude globs. One that names a path below the file's folder (``docs/drafts/*``: a slash inside it,
    no wildcard in its first part) is also anchored there: the glob of that absolute path follows it, so
    the entries it names are passed over whichever folder is scanned (see :class:`htq_mark.scanner.Excluded`),
    as well as those it matches below the folder scanned, as every glob does."""
    return tuple(each for pattern in _strings(value, base) for each in (pattern, *_anchored(pattern, base)))


def _anchored(pattern: str, base: Path) -> tuple[str, ...]:
    first, inside, _ = pattern.rstrip("/").partition("/")
    if not inside or not first or "://" in pattern or any(wild in first for wild in "*?["):
        return ()
    anchored = os.path.normpath(os.path.join(glob.escape(str(base)), pattern))
    return (anchored + "/" if pattern.endswith("/") else anchored,)


def _rules(value: Any, base: Path) -> tuple[str, ...]:
    names = _strings(value, base)
    unknown = [name for name in names if name not in RULES]
    if unknown:
        raise ValueError(f"names unknown rule(s) {', '.join(unknown)}; the rules are {', '.join(RULES)}")
    return names


def _selected(value: Any, base: Path) -> tuple[str, ...]:
    names = _rules(value, base)
    if not names:  # read as no selection, it reported every rule
        raise ValueError("lists no rule; list the rules to report, or leave the setting out to report every rule")
    return names


def _named(names: Callable[[], Any], what: str, check_value: Checker) -> Checker:
    """A table whose keys must be among ``names()`` (rules, limits), each value checked by ``check_value``."""
    table = _table(check_value)

    def check(value: Any, base: Path) -> dict[str, Any]:
        checked: dict[str, Any] = table(value, base)
        known = list(names())
        unknown = [name for name in checked if name not in known]
        if unknown:
            raise ValueError(f"names unknown {what} {', '.join(unknown)}; the {what}s are {', '.join(known)}")
        return checked
    return check


def _limit_names() -> list[str]:
    return list(Limits.__dataclass_fields__)


def _limit(name: str, minimum: float, whole: bool) -> Checker:
    """A number for the limit ``name``, no larger than it may be."""
    number = _number(minimum, whole)

    def check(value: Any, base: Path) -> float | int:
        checked: float | int = number(value, base)
        if checked > ceiling(name):
            raise ValueError(f"must be at most {ceiling(name):,}")
        return checked
    return check


def _limits(value: Any, base: Path) -> dict[str, Any]:
    checked: dict[str, Any] = _named(_limit_names, "limit", _number(0, whole=False))(value, base)
    for name, number in checked.items():
        if number > ceiling(name):
            raise ValueError(f"sets {name} above {ceiling(name):,}, the most it may be")
        if is_count(name) and number != int(number):
            raise ValueError(f"sets {name} to {number!r}, but it is a count: give a whole number")
    return checked


def _date(value: Any, _: Path) -> datetime.datetime:
    if isinstance(value, datetime.date):  # a TOML date (or date-time: its day)
        day = value.date() if isinstance(value, datetime.datetime) else value
        return datetime.datetime.combine(day, datetime.time())
    try:
        return datetime.datetime.combine(as_day(_text(value, _), "date"), datetime.time())
    except UsageError:
        raise ValueError("must be a day of the calendar, written YYYY-MM-DD") from None


def _table(check_value: Checker) -> Checker:
    def check(value: Any, base: Path) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise ValueError("must be a table of NAME = VALUE")
        return {str(name): check_value(item, base) for name, item in value.items()}
    return check


def _joined(from_file: Any, given: Any) -> Any:
    """Lists add up, tables are updated: the command line adds to the file."""
    if isinstance(from_file, Mapping):
        return {**from_file, **given}
    return (*from_file, *given)


@dataclass(frozen=True)
class Setting:
    """One setting: its ``key`` in the file, its ``check``, the scan ``parameter`` it sets, and
    whether a value on the command line is ``joined`` to the file's (else it replaces it)."""

    key: str
    check: Checker
    parameter: str
    joined: bool = False

    def merge(self, from_file: Any, given: Any) -> Any:
        """The value to use when both the file and the command line give one."""
        return _joined(from_file, given) if self.joined else given


#: Every scan setting a config file may hold, in the order ``htq-mark scan --help`` lists them.
SCAN_SETTINGS: tuple[Setting, ...] = (
    Setting("format", _choice(*FORMATS), "report_format"),
    Setting("register", _path, "register_path"),
    Setting("date", _date, "on"),
    Setting("fail-on", _fail_on, "fail_on"),
    Setting("jobs", _number(1, whole=True), "jobs"),
    Setting("kit", _path, "kit_path"),
    Setting("timeout", _limit("max_seconds", 0, whole=False), "timeout"),
    Setting("max-document-pages", _limit("max_pages", 1, whole=True), "max_document_pages"),
    Setting("max-pixels", _limit("max_pixels_per_page", 1, whole=True), "max_pixels"),
    Setting("limits", _limits, "limit_settings", joined=True),
    Setting("select", _selected, "select"),
    Setting("ignore", _rules, "ignore", joined=True),
    Setting("severity", _named(lambda: RULES, "rule", _choice(*Severity)), "severities",
            joined=True),
    Setting("exclude", _globs, "exclude_instead"),  # replaces the default excludes
    Setting("extend-exclude", _globs, "exclude", joined=True),
    Setting("baseline", _path, "baseline"),
    Setting("quiet", _flag, "quiet"),
    Setting("verbose", _flag, "verbose"),
    Setting("progress", _flag, "progress"),
    Setting("follow-symlinks", _flag, "follow_symlinks"),
    Setting("force-exclude", _flag, "force_exclude"),
    Setting("executor", _choice("local", "dask"), "executor_name"),
    Setting("scheduler", _text, "scheduler"),
    Setting("ocr", _choice("always", "auto", "never"), "ocr"),
    Setting("urls", _path, "url_list"),
    Setting("sitemap", _strings, "sitemaps", joined=True),
    Setting("crawl", _flag, "follow"),
    Setting("max-pages", _number(1, whole=True), "max_pages"),
    Setting("max-depth", _at_least_zero(whole=True), "max_depth"),
    Setting("include", _strings, "include", joined=True),
    Setting("delay", _at_least_zero(whole=False), "delay"),
    Setting("allow-private", _flag, "allow_private"),
)


#: The settings that name a file or folder (relative to the config file).
PATH_SETTINGS: tuple[Setting, ...] = tuple(setting for setting in SCAN_SETTINGS if setting.check is _path)


@dataclass(frozen=True)
class Config:
    """The settings read from a config file (``path``; None when there is none), by parameter name."""

    path: Path | None = None
    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def get(self, parameter: str, default: Any = None) -> Any:
        return self.values.get(parameter, default)


#: Larger than any real config file; a bigger one is a wrong path.
MAX_CONFIG_BYTES = 1024 * 1024


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = read_limited(path, limit=MAX_CONFIG_BYTES, what="config", refuse=ConfigError)
        return tomllib.loads(data.decode("utf-8-sig"))  # a byte order mark (as some editors write) is let be
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: is not UTF-8 text ({exc.reason}); save it as UTF-8.") from None
    except RecursionError:
        raise ConfigError(f"{path}: is nested too deeply to read; fix the file.") from None
    except OSError as exc:
        raise ConfigError(f"{path}: the config file cannot be read ({exc.strerror}); check the path.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: is not valid TOML ({exc}); fix the file.") from None
    except ValueError as exc:  # an integer of thousands of digits, say
        raise ConfigError(f"{path}: holds a value that cannot be read ({exc}); fix the file.") from None


def _settings_in(path: Path, data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The htq-mark table of a file: all of ``htq-mark.toml``, ``[tool.htq-mark]`` of ``pyproject.toml``."""
    if path.name != PYPROJECT:
        return data
    tool = data.get("tool")
    table = tool.get(TABLE) if isinstance(tool, Mapping) else None
    if table is not None and not isinstance(table, Mapping):
        raise ConfigError(f"{path}: [tool.{TABLE}] must be a table of settings.")
    return table


def find_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The config file that applies in ``start`` (default: the working folder), or None.

    Settings may switch rules off, and anyone may leave a file in a shared folder such
    as ``/tmp``: another user's ``htq-mark.toml`` (or ``pyproject.toml`` with an
    htq-mark table) in a folder others may write to is refused with
    :class:`ConfigError`, and another user's ``pyproject.toml`` there that cannot be
    read is passed over.
    """
    try:
        folder = Path(start if start is not None else os.getcwd()).resolve()
    except FileNotFoundError:
        raise ConfigError("the working folder no longer exists, so no config file can be looked for; change "
                          "to a folder that exists, or ignore config files (htq-mark scan --isolated).") from None
    for candidate_folder in (folder, *folder.parents):
        own = candidate_folder / CONFIG_FILE
        if own.is_file():
            return _trusted(own)
        pyproject = candidate_folder / PYPROJECT
        if not pyproject.is_file():
            continue
        try:
            settings = _settings_in(pyproject, _read_toml(pyproject))
        except ConfigError:
            if _owner_trusted(pyproject):
                raise
            continue  # another user's broken project file is no reason to stop
        if settings is not None:
            return _trusted(pyproject)
    return None


_MAX_LINKS = 40  # as the system follows at most


def _owner_trusted(path: Path) -> bool:
    """Whether ``path`` is trusted: it, and each link on the way to it, is the user's (or root's), or lies
    in a folder only its owner may write to. Anyone may leave a file in ``/tmp`` or a shared group folder; a
    checkout owned by another user in folders only that user may write to (a CI container's workspace) is
    trusted like any file the scan reads."""
    if not hasattr(os, "getuid"):  # pragma: no cover - not POSIX
        return True
    trusted = (os.getuid(), 0)
    try:
        # A link left by someone else may point at a file of the user's or root's: each link on the way
        # is judged as well as the file, in the folder it lies in.
        for _ in range(_MAX_LINKS):
            info = path.lstat()
            if info.st_uid not in trusted and path.parent.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return False
            if not stat.S_ISLNK(info.st_mode):
                return True
            path = path.parent / os.readlink(path)
    except OSError:
        return False
    return False  # a chain of links too long to follow


def _trusted(path: Path) -> Path:
    """``path``, unless someone else may have left it there (see :func:`_owner_trusted`)."""
    if not _owner_trusted(path):
        raise ConfigError(f"{path}: this config file belongs to another user and lies in a folder others may "
                          "write to, so it is not applied (anyone may leave one there, and its settings may "
                          "switch rules off). Name it as the config file to use it (htq-mark scan --config "
                          f"{path}), or ignore config files (htq-mark scan --isolated).")
    return path


def load_config(path: str | os.PathLike[str] | None = None, *, start: str | os.PathLike[str] | None = None,
                isolated: bool = False) -> Config:
    """The scan settings of ``path``, or of the file :func:`find_config` finds from ``start``.

    ``isolated`` ignores every config file (and cannot go with ``path``). Raises
    :class:`~htq_mark.errors.ConfigError` naming the file and the setting for an unknown key
    or a bad value.
    """
    if isolated and path is not None:
        raise ConfigError(f"{os.fspath(path)}: would not be read, as isolated=True ignores every config file; give "
                          "the file or isolated=True, not both.")
    if isolated:
        return Config()
    file = Path(path) if path is not None else find_config(start)
    if file is None:
        return Config()
    table = _settings_in(file, _read_toml(file))
    if table is None:
        raise ConfigError(f"{file}: has no [tool.{TABLE}] table; add one or give an {CONFIG_FILE}.")
    by_key = {setting.key: setting for setting in SCAN_SETTINGS}
    unknown = sorted(set(table) - set(by_key))
    if unknown:
        raise ConfigError(f"{file}: unknown setting(s) {', '.join(unknown)}; the settings are "
                          f"{', '.join(by_key)}.")
    base = file.resolve().parent
    values: dict[str, Any] = {}
    for key, value in table.items():
        setting = by_key[key]
        try:
            values[setting.parameter] = setting.check(value, base)
        except ValueError as exc:
            raise ConfigError(f"{file}: setting {key} {exc}; got {value!r}.") from None
    if values.get("quiet") and values.get("verbose"):
        raise ConfigError(f"{file}: quiet and verbose ask for opposite things; set one of them.")
    return Config(path=file, values=MappingProxyType(values))
