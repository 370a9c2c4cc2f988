"""The package's layout rules, read from the source with the standard library's ast (nothing imported).

- classifier/'s modules import each other without a cycle (top-level imports; a package's own
  submodules do not count as importing the package back).
- Its subpackages are layers: a module imports only from its own subpackage or a lower one
  (core < training < engine < teach, challenges < cli).
- An import inside a function is only for start-up time: a heavy third-party package
  (TensorFlow, Keras, Ray, Flower, LiteRT, ...) or a classifier module that imports one at its top.
  Anything else is imported at the top, where a cycle would show.
- classifier/ never imports Streamlit.
- No module uses another module's private names (`from x import _y`, `x._y`).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "classifier"
# Imported inside functions on purpose: each takes seconds to import, or is an optional install.
HEAVY = {
    "tensorflow",
    "keras",
    "ray",
    "flwr",
    "ai_edge_litert",
    "dp_accounting",
    "tensorboard",
    "babel",
}  # Babel: only to compile a missing .mo, not worth its 0.25 s at every start
# Where private names of other modules are looked for (tests may reach into what they test).
CHECKED_ROOTS = ("classifier", "ui", "pages", "app.py", "bench")
# Each subpackage's layer; teach and challenges are siblings (neither imports the other).
LAYERS = {"core": 0, "training": 1, "engine": 2, "teach": 3, "challenges": 3, "cli": 4}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


@functools.cache
def imports(path: Path) -> list[tuple[str, list[str], bool]]:
    """(module imported, names taken from it, inside a function?) for each import statement."""
    module, tree = module_name(path), ast.parse(path.read_text())
    in_function = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for inner in ast.walk(node)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], id(node) in in_function) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = resolve(module, node, path.name == "__init__.py")
            found.append((target, [alias.name for alias in node.names], id(node) in in_function))
    return found


def targets(target: str, names: list[str]) -> set[str]:
    """The classifier modules an import statement loads: `from pkg import sub` loads pkg.sub."""
    submodules = {f"{target}.{name}" for name in names if f"{target}.{name}" in MODULES}
    if target in MODULES and (not names or len(submodules) < len(names)):
        submodules.add(target)
    return submodules


def top_level_graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        edges = set()
        for target, names, inside in imports(path):
            if not inside:
                edges |= targets(target, names)
        edges.discard(module)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (or a module importing itself)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def heavy_modules(graph: dict[str, set[str]]) -> set[str]:
    """classifier modules that import a heavy package at their top, directly or through another."""
    heavy = {
        module
        for module, path in MODULES.items()
        if any(not inside and target.split(".")[0] in HEAVY for target, _, inside in imports(path))
    }
    grown = True
    while grown:
        more = {module for module, edges in graph.items() if edges & heavy} - heavy
        heavy |= more
        grown = bool(more)
    return heavy


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_has_no_import_cycle():
    graph = top_level_graph()
    assert len(graph) > 30  # the package was found
    assert cycles(graph) == []


def layer(module: str) -> tuple[str, int | None]:
    part = module.split(".")[1] if module.count(".") else ""
    return part, LAYERS.get(part)


def test_every_module_is_in_a_layer():
    loose = [module for module in MODULES if layer(module)[1] is None]
    assert loose == ["classifier", "classifier.__main__"]


def test_subpackages_import_only_their_own_layer_or_lower_ones():
    upward = [
        f"{module} imports {target}"
        for module, edges in top_level_graph().items()
        for target in edges
        if layer(module)[1] is not None
        and layer(target)[0] != layer(module)[0]
        and (layer(target)[1] is None or layer(target)[1] >= layer(module)[1])
    ]
    assert upward == []


def test_imports_inside_functions_are_only_for_heavy_packages():
    graph = top_level_graph()
    heavy = heavy_modules(graph)
    assert "classifier.engine.cluster" in heavy  # Ray, at its top
    hidden = [
        f"{module_name(path)} imports {target} inside a function"
        for path in MODULES.values()
        for target, names, inside in imports(path)
        if inside and target.split(".")[0] not in HEAVY and not (targets(target, names) & heavy)
    ]
    assert hidden == []


def test_the_package_never_imports_streamlit():
    offenders = [
        module_name(path)
        for path in MODULES.values()
        for target, _, _ in imports(path)
        if target.split(".")[0] == "streamlit"
    ]
    assert offenders == []


def checked_files() -> list[Path]:
    files = []
    for name in CHECKED_ROOTS:
        path = ROOT / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def private_uses(path: Path) -> list[str]:
    """Another module's private names this file takes: `from x import _y`, or `x._y` where x is an
    imported module of this project."""
    tree = ast.parse(path.read_text())
    project = ("classifier", "ui", "pages", "bench")
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in project:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"from {node.module} import {alias.name}")
                if f"{node.module}.{alias.name}" in MODULES or (node.module or "").split(".")[0] != "classifier":
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in project:
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return [f"{path.relative_to(ROOT)}: {use}" for use in found]


def test_no_module_uses_another_modules_private_names():
    assert [use for path in checked_files() for use in private_uses(path)] == []
