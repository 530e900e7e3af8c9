"""The `htq-mark scan` command."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
