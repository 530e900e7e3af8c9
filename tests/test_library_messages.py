"""The library says what is wrong in its own terms: its messages name no command-line flags.

A message may still quote a whole command to run (``htq-mark generate --variant ...``); the
command line adds its flags to what the library says (``htq_mark.cli._flags``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "htq_mark"
#: The command line itself, and the browser's own switches.
OUTSIDE = {PACKAGE / "cli", PACKAGE / "web" / "_browser.py", PACKAGE / "web" / "_switches.py",
           PACKAGE / "register" / "_example_data.py"}
FLAG = re.compile(r"(?<![\w-])(?<!var\()--[a-z][a-z-]+(?![\w-]*\s*:)")  # not a CSS custom property


def _library_strings() -> list[tuple[str, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if any(path == outside or outside in path.parents for outside in OUTSIDE):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        parts_of_fstrings = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                             for part in node.values}
        for node in ast.walk(tree):
            where = f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.JoinedStr):  # an f-string is judged whole, its values as {}
                found.append((where, "".join(part.value if isinstance(part, ast.Constant) else "{}"
                                             for part in node.values)))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in docstrings and id(node) not in parts_of_fstrings:
                found.append((where, node.value))
    return found


def _names_a_flag(text: str) -> bool:
    # A whole command to run ("htq-mark check QN --date ...") is advice, not the caller's own flag.
    return bool(FLAG.search(text)) and "htq-mark " not in text and "htq-mark generate" not in text


def test_library_strings_name_no_command_line_flag() -> None:
    offenders = [f"{where}: {text!r}" for where, text in _library_strings() if _names_a_flag(text)]
    assert offenders == []


@pytest.mark.parametrize(("text", "flagged"), [
    ("pass --register FILE", True), ("raise limits.max_seconds", False),
    ("check it with: htq-mark check 603/7595/4 --date 2026-01-01", False), ("a--b", False)])
def test_a_flag_is_seen(text: str, flagged: bool) -> None:
    assert _names_a_flag(text) is flagged
