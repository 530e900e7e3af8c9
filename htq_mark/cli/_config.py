"""Fill a command's parameters from the config file where the command line left them out."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import click
from click.core import ParameterSource

from .._config import PATH_SETTINGS, SCAN_SETTINGS, Config
from ..errors import ConfigError

__all__ = ["NOT_GIVEN", "on_command_line", "with_config"]

NOT_GIVEN = (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)


def with_config(context: click.Context, given: Mapping[str, Any], config: Config, *,
                writes_baseline: str | None = None) -> dict[str, Any]:
    """The parameters to use: the command line's, else the config file's, else the defaults.

    A rule the command line selects is reported even if the file ignores it: the command line wins.
    A path the file names must exist, except the baseline this scan writes (``writes_baseline``).
    """
    values = dict(given)
    for setting in SCAN_SETTINGS:
        if setting.parameter not in config.values:
            continue
        from_file = config.values[setting.parameter]
        if not on_command_line(context, given, setting.parameter):
            values[setting.parameter] = from_file
        else:
            values[setting.parameter] = setting.merge(from_file, given[setting.parameter])
    if "ignore" in config.values and on_command_line(context, given, "select"):
        selected = set(given["select"])
        from_command_line = given["ignore"] if on_command_line(context, given, "ignore") else ()
        values["ignore"] = (*(rule for rule in config.values["ignore"] if rule not in selected), *from_command_line)
    for setting in PATH_SETTINGS:
        named = config.values.get(setting.parameter)
        if named is None or on_command_line(context, given, setting.parameter) or os.path.exists(named):
            continue
        if setting.parameter == "baseline" and writes_baseline is not None \
                and os.path.abspath(writes_baseline) == os.path.abspath(named):
            values["baseline"] = None  # this scan makes the baseline the file names: there is none yet
            continue
        making = f"make it with --write-baseline {named}" if setting.parameter == "baseline" else "create it"
        raise ConfigError(f"{config.path}: setting {setting.key} names {named}, which does not exist; fix the "
                          f"path (it is relative to the config file) or {making}.")
    return values


def on_command_line(context: click.Context, given: Mapping[str, Any], parameter: str) -> bool:
    """Whether the command line gave ``parameter`` (not its default)."""
    return parameter in given and context.get_parameter_source(parameter) not in NOT_GIVEN
