"""The wheel works on its own: built, installed in a clean virtual environment outside the
repository with its dependencies from the package index, and run from another folder."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import htq_mark
from tests.scanner._make import mark_fragment, pdf_pages

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str | Path], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "HTQ_MARK_KIT", "HTQ_MARK_REGISTER", "VIRTUAL_ENV", "PYTHONHOME")}
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout, check=False)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", out, ROOT], cwd=out)
    (built,) = out.glob("htq_mark-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    folder = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", folder], cwd=folder.parent)
    _run([folder / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel],
         cwd=folder.parent)
    return folder


@pytest.mark.slow
def test_the_wheel_carries_the_kit_the_guide_and_py_typed(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for name in ("htq_mark/py.typed", "htq_mark/_bundled/guidelines/spec.toml",
                 "htq_mark/_bundled/guidelines/guide.md", "htq_mark/_bundled/assets/htq-mark-colour.svg",
                 "htq_mark/_bundled/assets/htq-mark-black.svg", "htq_mark/_bundled/assets/htq-mark-white.svg",
                 "htq_mark/_bundled/guidelines/images/wrong-rotated.png"):
        assert name in names
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)


@pytest.mark.slow
def test_the_installed_wheel_works_outside_the_repository(venv: Path, tmp_path: Path) -> None:
    work = tmp_path / "elsewhere"
    work.mkdir()
    python, command = venv / "bin" / "python", venv / "bin" / "htq-mark"
    # A clean environment: a venv whose imports come from nowhere but itself and the standard library.
    paths = _run([python, "-c", "import json, sys; print(json.dumps([sys.prefix, sys.base_prefix, sys.path]))"],
                 cwd=work)
    prefix, base, search = json.loads(paths.stdout)
    assert prefix != base
    assert all(not p.endswith("-packages") or p.startswith(prefix) for p in search)
    result = _run([command, "generate", "--variant", "colour", "--format", "png", "--width", "300px",
                   "-o", "mark.png"], cwd=work)
    assert "canvas 348 x 142 px" in result.stdout
    assert (work / "mark.png").read_bytes().startswith(b"\x89PNG")
    probe = _run([python, "-c",
                  ("import json, htq_mark\n"
                  "kit = htq_mark.load_kit()\n"
                  "asset = htq_mark.generate(variant='white', format='pdf', width='40mm')\n"
                  "print(json.dumps({'file': htq_mark.__file__, 'root': str(kit.root), 'bundled': kit.bundled,"
                  " 'variants': sorted(kit.artwork), 'minimum': kit.spec.minimum_width_mm,"
                  " 'pdf': asset.data[:5].decode()}))")], cwd=work)
    facts = json.loads(probe.stdout)
    assert facts["file"].startswith(str(venv)) and facts["root"].startswith(str(venv))
    assert not facts["root"].startswith(str(ROOT))
    assert facts["bundled"] is True and facts["variants"] == ["black", "colour", "white"]
    assert (facts["minimum"], facts["pdf"]) == (25.0, "%PDF-")
    _run([python, "-m", "htq_mark", "pack", "--preset", "web", "-o", "pack.zip"], cwd=work)
    with zipfile.ZipFile(work / "pack.zip") as archive:
        assert "colour/web/htq-mark-colour-web.png" in archive.namelist()
    info = _run([command, "kit", "info", "--json"], cwd=work)
    assert json.loads(info.stdout)["source"] == "bundled"


@pytest.mark.slow
@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
def test_the_installed_wheel_opens_aes_encrypted_pdfs(venv: Path, tmp_path: Path, algorithm: str) -> None:
    from pypdf import PdfReader, PdfWriter

    def encrypted(user_password: str) -> bytes:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_pages(
            [mark_fragment(htq_mark.load_kit(), x=100, y=100, width=142)]))))
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    (tmp_path / "open.pdf").write_bytes(encrypted(""))
    (tmp_path / "locked.pdf").write_bytes(encrypted("secret"))
    command = venv / "bin" / "htq-mark"

    def scanned(*extra: str) -> dict[str, dict[str, object]]:
        result = subprocess.run([str(command), "scan", "open.pdf", "locked.pdf", "--format", "json",
                                 "--fail-on", "never", *extra], cwd=tmp_path, capture_output=True, text=True,
                                timeout=600, check=False)
        assert result.returncode in (0, 3), result.stderr
        return {d["path"]: d for d in json.loads(result.stdout)["documents"]}

    without = scanned()
    assert without["open.pdf"]["status"] == "ok" and len(without["open.pdf"]["marks"]) == 1  # type: ignore[arg-type]
    assert without["locked.pdf"]["error"]["code"] == "encrypted"  # type: ignore[index]
    with_password = scanned("--password", "secret")
    assert with_password["locked.pdf"]["status"] == "ok"
