"""``htq-mark rules``: list the rules; explain one with the kit's numbers, the guide's pictures and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from htq_mark.cli import cli
from htq_mark.scanner._results import RULES
from tests.kit.factory import copy_bundled_kit, edit_spec


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["rules", *args])
    return result.exit_code, result.output


def test_the_list_names_every_rule_with_its_default_severity() -> None:
    code, output = run()
    assert code == 0
    for rule, (severity, meaning) in RULES.items():
        assert any(line.split()[:2] == [rule, severity] and meaning in line for line in output.splitlines())


@pytest.mark.parametrize("rule", list(RULES))
def test_each_rule_is_explained_with_numbers_pictures_and_a_fix(rule: str) -> None:
    code, output = run(rule, "--format", "json")
    assert code == 0
    explained = json.loads(output)
    assert explained["rule"] == rule and explained["numbers"] and explained["fix"]
    rights = [p for p in explained["pictures"] if p["right"]]
    assert rights and all(Path(p["path"]).is_file() for p in explained["pictures"])
    if rule not in ("no-qualification", "not-entitled", "missing-alt-text"):  # the guide draws each misuse
        assert any(not p["right"] for p in explained["pictures"])


def test_the_numbers_are_the_kits(tmp_path: Path) -> None:
    kit = copy_bundled_kit(tmp_path / "kit")
    edit_spec(kit, "minimum_width_mm = 25.0", "minimum_width_mm = 29.5")
    code, output = run("too-small", "--kit", str(kit))
    assert code == 0
    assert "minimum width 29.5 mm in print" in output
    assert "not drawn for this kit; run htq-mark kit guide" in output  # the copy has no pictures


def test_the_text_form_has_every_part() -> None:
    code, output = run("clear-space")
    assert code == 0
    for heading in ("What it checks:", "The kit's numbers:", "Pictures from the guide:", "Fix:"):
        assert heading in output
    assert "clear space 0.25 x the artwork's height" in output


def test_an_unknown_rule_is_a_usage_error_listing_the_rules() -> None:
    code, output = run("too-big")
    assert code == 2 and "unknown rule 'too-big'" in output and "too-small" in output
