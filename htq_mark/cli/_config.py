"""Fill a command's parameters from the config file where the command line left them out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click
from click.core import ParameterSource

from .._config import SCAN_SETTINGS, Config

__all__ = ["NOT_GIVEN", "with_config"]

NOT_GIVEN = (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)


def with_config(context: click.Context, given: Mapping[str, Any], config: Config) -> dict[str, Any]:
    """The parameters to use: the command line's, else the config file's, else the defaults."""
    values = dict(given)
    for setting in SCAN_SETTINGS:
        if setting.parameter not in config.values:
            continue
        from_file = config.values[setting.parameter]
        if setting.parameter not in given or context.get_parameter_source(setting.parameter) in NOT_GIVEN:
            values[setting.parameter] = from_file
        else:
            values[setting.parameter] = setting.merge(from_file, given[setting.parameter])
    return values
