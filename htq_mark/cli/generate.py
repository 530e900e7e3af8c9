"""The `htq-mark generate` command."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
