"""The CI integrations work as shipped: the pre-commit hook and the GitHub Action.

The hook is run by pre-commit itself against a temporary git repository; the
action's steps are run as the bash scripts GitHub would run, with its inputs and
outputs wired the same way (the steps that use other actions are only checked).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import htq_mark
from tests.scanner._make import mark_fragment, pdf_pages

ROOT = Path(__file__).resolve().parents[1]
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _clean_environment(**extra: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PYTHONPATH", "HTQ_MARK_KIT", "HTQ_MARK_REGISTER", "VIRTUAL_ENV")}
    return {**environment, **extra}


@pytest.fixture(scope="module")
def marked_pdf() -> bytes:
    """A page whose mark is too small and names no qualification."""
    return pdf_pages([mark_fragment(htq_mark.load_kit(), x=100, y=100, width=56)])


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env=_clean_environment(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                                          GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid"))


def test_the_hook_file_declares_the_scan() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "htq-mark" and hook["entry"] == "htq-mark scan --force-exclude" and hook["language"] == "python"
    assert hook["args"][-1] == "--"  # the file names pre-commit adds are files, even one beginning with -
    pattern = re.compile(hook["files"])
    assert all(pattern.search(name) for name in ("a.pdf", "b.PNG", "c.jpeg", "d.tif", "e.webp"))
    assert not pattern.search("notes.txt")


def _hook_repository(target: Path) -> Path:
    """This checkout's files as they are now (committed or not), as a one-commit git repository."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / name)
    _git(target, "init", "-q")
    _git(target, "add", ".")
    _git(target, "commit", "-q", "-m", "snapshot")
    return target


@pytest.mark.slow
def test_pre_commit_runs_the_hook_and_fails_on_a_misused_mark(tmp_path: Path, marked_pdf: bytes) -> None:
    hooks = _hook_repository(tmp_path / "hooks")
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "brochure.pdf").write_bytes(marked_pdf)
    (repo / "-flyer.pdf").write_bytes(marked_pdf)  # read as an option without the hook's --
    (repo / "notes.txt").write_text("not a document\n")
    (repo / "drafts").mkdir()
    (repo / "drafts" / "old.pdf").write_bytes(marked_pdf)  # excluded by the config, though the hook names it
    (repo / "pyproject.toml").write_text('[tool.htq-mark]\nextend-exclude = ["drafts/"]\n')
    _git(repo, "add", ".")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "htq-mark", "--all-files", "--verbose"],
        cwd=repo, capture_output=True, text=True, timeout=1800, check=False,
        env=_clean_environment(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home")))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "brochure.pdf:1: error too-small" in output
    assert "-flyer.pdf:1: error too-small" in output
    assert "notes.txt" not in output.split("htq-mark scan")[-1]
    assert "old.pdf" not in output  # before, the hook scanned files the config excludes


def _action() -> dict[str, Any]:
    action: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return action


def test_the_action_is_composite_and_uploads_sarif() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    uses = [step["uses"] for step in action["runs"]["steps"] if "uses" in step]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    for step in action["runs"]["steps"]:
        if "run" in step:  # inputs reach scripts only through the environment
            assert step["shell"] == "bash" and "${{" not in step["run"]


class _Runner:
    """Runs an action's ``run`` steps as GitHub does: bash -eo pipefail, inputs and outputs wired."""

    def __init__(self, inputs: dict[str, str], work: Path, path: str) -> None:
        defaults = {name: str(spec.get("default", "")) for name, spec in _action()["inputs"].items()}
        self.inputs = {**defaults, **inputs}
        self.work, self.path = work, path
        self.outputs: dict[str, dict[str, str]] = {}

    def _value(self, expression: str) -> str:
        parts = expression.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs[parts[1]]
        if parts[0] == "steps" and parts[2] == "outputs":
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"the test does not know the expression {expression!r}")

    def run(self, step: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        output_file = self.work / f"output-{len(self.outputs)}"
        output_file.write_text("")
        env = {name: _EXPRESSION.sub(lambda m: self._value(m.group(1)), str(value))
               for name, value in step.get("env", {}).items()}
        environment = _clean_environment(**env, GITHUB_ACTION_PATH=str(ROOT), GITHUB_OUTPUT=str(output_file),
                                         PATH=self.path)
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                cwd=self.work, capture_output=True, text=True, timeout=1800, check=False,
                                env=environment)
        lines = output_file.read_text().splitlines()
        self.outputs[step.get("id", f"step{len(self.outputs)}")] = dict(line.split("=", 1) for line in lines)
        return result


@pytest.fixture(scope="module")
def python_bin(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh virtual environment's bin folder, standing in for what setup-python provides."""
    folder = tmp_path_factory.mktemp("action-venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, capture_output=True)
    return f"{folder / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"


@pytest.mark.slow
@pytest.mark.parametrize(("args", "status"), [("", 1), ("--fail-on never --select too-small", 0)])
def test_the_action_steps_install_scan_and_fail_on_findings(tmp_path: Path, marked_pdf: bytes, python_bin: str,
                                                            args: str, status: int) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "brochure.pdf").write_bytes(marked_pdf)
    runner = _Runner({"paths": "docs", "args": args, "sarif-file": "out/report.sarif"}, tmp_path, python_bin)
    (tmp_path / "out").mkdir()
    results = {step.get("name"): runner.run(step) for step in _action()["runs"]["steps"] if "run" in step}
    install, scan, final = results["Install htq-mark"], results["Scan"], results["Fail on findings"]
    assert install.returncode == 0, install.stderr
    assert scan.returncode == 0, scan.stderr
    assert runner.outputs["scan"]["exit-code"] == str(status)
    assert final.returncode == status
    sarif = json.loads((tmp_path / "out" / "report.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    rules = {result["ruleId"] for result in sarif["runs"][0]["results"]}
    assert "too-small" in rules and (args == "" or rules == {"too-small"})
