"""The `htq-mark register` command."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
