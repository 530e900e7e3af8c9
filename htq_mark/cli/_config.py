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


def with_config(context: click.Context, given: Mapping[str, Any], config: Config) -> dict[str, Any]:
    """The parameters to use: the command line's, else the config file's, else the defaults.

    A rule the command line selects is reported even if the file ignores it: the command line wins.
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
        if named is not None and not on_command_line(context, given, setting.parameter) and not os.path.exists(named):
            raise ConfigError(f"{config.path}: setting {setting.key} names {named}, which does not exist; fix the "
                              f"path (it is relative to the config file) or create it.")
    return values


def on_command_line(context: click.Context, given: Mapping[str, Any], parameter: str) -> bool:
    """Whether the command line gave ``parameter`` (not its default)."""
    return parameter in given and context.get_parameter_source(parameter) not in NOT_GIVEN
