"""The house is easy to walk: the project's own imports sit at module top and never run in a loop.

The import graph is read from the source: every ``import`` and ``from ... import``,
including those inside functions and in ``if TYPE_CHECKING:`` blocks, so a loop
hidden by an import inside a function, or kept only for type hints, fails here too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "htq_mark"

#: Project modules that load NumPy (and OpenCV) when imported: the modules that call them import them
#: inside functions, so ``import htq_mark`` and ``htq-mark --help`` stay light.
HEAVY_MODULES = ("htq_mark.scanner._detect", "htq_mark.kit._colour")

#: Other project imports allowed inside a function, by (importing module, imported package), and why.
LAZY_ALLOWED = {
    # The web package is built on the scanner's modules (the detector, the rules, scan_document), so the
    # batch reaches up to it only when web pages are given; at module top the two packages would load
    # each other while half-initialised.
    ("htq_mark.scanner._batch", "htq_mark.web"),
}


def _reaches_up(importer: str, imported: str) -> bool:
    return any(importer == allowed_importer and (imported == package or imported.startswith(package + "."))
               for allowed_importer, package in LAZY_ALLOWED)


def _lazy_allowed(importer: str, imported: str) -> bool:
    heavy = any(imported == module or imported.startswith(module + ".") for module in HEAVY_MODULES)
    return heavy or _reaches_up(importer, imported)


@dataclass(frozen=True)
class Import:
    """One import of a project module: who imports what, and whether it runs inside a function."""

    importer: str
    imported: str
    line: int
    in_function: bool
    for_types_only: bool


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name in MODULES:
                yield alias.name
        return
    if node.level:
        base = module.split(".") if MODULES[module].name == "__init__.py" else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join([*base, node.module] if node.module else base)
    else:
        source = node.module or ""
    submodules = [f"{source}.{alias.name}" for alias in node.names if f"{source}.{alias.name}" in MODULES]
    if source in MODULES and len(submodules) < len(node.names):
        yield source
    yield from submodules


def _imports(module: str) -> Iterator[Import]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))

    def walk(node: ast.AST, in_function: bool, for_types_only: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for target in _targets(module, child):
                    yield Import(module, target, child.lineno, in_function, for_types_only)
            elif isinstance(child, ast.If) and _is_type_checking(child):
                for statement in child.body:
                    yield from walk(ast.Module([statement], []), in_function, True)
                for statement in child.orelse:
                    yield from walk(ast.Module([statement], []), in_function, for_types_only)
            else:
                yield from walk(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                          ast.Lambda)), for_types_only)

    yield from walk(tree, False, False)


IMPORTS = [found for module in MODULES for found in _imports(module)]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), or of one that imports itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for after in sorted(edges.get(node, ())):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in on_stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read() -> None:
    edges = {(found.importer, found.imported) for found in IMPORTS}
    assert ("htq_mark.scanner._document", "htq_mark.scanner._pdf_scan") in edges
    assert ("htq_mark.cli", "htq_mark.cli._scan") in edges
    assert len(MODULES) > 100


def _packages_above(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts))]


def _import_graph() -> dict[str, set[str]]:
    """Who imports whom; importing ``a.b.c`` also runs the ``__init__`` of ``a.b`` (unless already running)."""
    edges: dict[str, set[str]] = {}
    for found in IMPORTS:
        late = found.in_function or found.for_types_only
        if found.imported == found.importer or (late and _reaches_up(found.importer, found.imported)):
            continue
        running = {found.importer, *_packages_above(found.importer)}
        edges.setdefault(found.importer, set()).update(
            {found.imported, *(package for package in _packages_above(found.imported) if package not in running)})
    return edges


def test_no_import_loop_even_through_imports_inside_functions_or_for_types() -> None:
    assert _cycles(_import_graph()) == []


def test_a_loop_is_seen() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_projects_own_imports_sit_at_module_top() -> None:
    inside = sorted(f"{found.importer}:{found.line} imports {found.imported}" for found in IMPORTS
                    if found.in_function and not found.for_types_only
                    and not _lazy_allowed(found.importer, found.imported))
    assert inside == []


def test_every_allowed_lazy_import_is_still_needed() -> None:
    lazy = {(found.importer, found.imported) for found in IMPORTS if found.in_function and not found.for_types_only}
    for importer, package in LAZY_ALLOWED:
        assert any(i == importer and (m == package or m.startswith(package + ".")) for i, m in lazy), package


@pytest.mark.parametrize("module", HEAVY_MODULES)
def test_the_modules_imported_late_really_are_heavy(module: str) -> None:
    code = f"import sys, {module}; print('numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=PACKAGE.parent, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"], f"{module} no longer loads NumPy: import it at module top"


@pytest.mark.parametrize("module", ["htq_mark", "htq_mark.cli"])
def test_the_library_and_the_command_line_load_no_numpy_on_import(module: str) -> None:
    """NumPy costs a tenth of a second to load: the process handing out a batch never needs it."""
    code = f"import sys, {module}; print('numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=PACKAGE.parent, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False"]
