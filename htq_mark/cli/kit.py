"""The `htq-mark kit` command."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
