"""The shape of the package: stages import only earlier stages, modules stay small, and the
picture in docs/architecture.md is the real import graph.

    python tests/test_architecture.py    # prints the graph's block for docs/architecture.md
"""
from __future__ import annotations

import ast
import collections
import pathlib
import re
from typing import Dict, Set

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "adjoint"
DOC = PACKAGE.parent / "docs" / "architecture.md"

# Each unit (a subpackage, or a module of the package's top level) may import only the units
# before it. The first group are leaves; then the stages in pipeline order; then the API.
ORDER = [
    "errors", "version", "options", "nodes", "generated", "runtime", "tree", "frontend",
    "linear_zeros", "templates", "markers", "rules",
    "normalize", "analysis", "ad", "optimize", "backend", "pipeline",
    "pullbacks", "api", "matrices", "checking", "coverage", "cli", "adjoint", "__main__",
]
STAGES = ["frontend", "normalize", "analysis", "ad", "optimize", "backend", "pipeline", "api"]
RULE_TABLES = "rules"  # modules of rule templates may be long: one entry a few lines, many entries
MAX_LINES = 500


def unit_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "adjoint"


def _imports(path: pathlib.Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "adjoint":
            if node.module == "adjoint":
                yield from (f"adjoint.{alias.name}" for alias in node.names)
            else:
                yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.split(".")[0] == "adjoint")


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> Dict[str, Set[str]]:
    """unit -> the other units it imports (at the top of a module or inside a function)."""
    graph: Dict[str, Set[str]] = collections.defaultdict(set)
    for path in sorted(PACKAGE.rglob("*.py")):
        source = unit_of(_module_name(path))
        graph[source] |= {unit_of(target) for target in _imports(path)} - {source}
    return graph


def mermaid() -> str:
    """The stages and what each imports of the others (leaves and the API left out)."""
    graph = import_graph()
    lines = ["```mermaid", "flowchart LR"]
    for source in STAGES:
        for target in sorted(graph[source] & set(STAGES), key=STAGES.index):
            lines.append(f"    {source} --> {target}")
    lines.append("```")
    return "\n".join(lines)


def test_every_unit_has_its_place_in_the_order():
    assert set(import_graph()) <= set(ORDER)


def test_a_unit_imports_only_units_before_it():
    later = {(source, target) for source, targets in import_graph().items() for target in targets
             if ORDER.index(target) > ORDER.index(source)}
    assert later == set()


def test_no_module_but_a_rule_table_is_over_500_lines():
    long = {str(path.relative_to(PACKAGE)): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
            and path.parent.name != RULE_TABLES}
    assert long == {}


def test_every_module_says_what_it_is_for():
    silent = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
              if path.read_text(encoding="utf-8").strip() and ast.get_docstring(ast.parse(path.read_text())) is None
              and path.name != "__init__.py"]
    assert silent == []


def test_the_picture_in_docs_architecture_is_the_import_graph():
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n.*?```", text, re.S)
    assert block is not None and block.group(0) == mermaid(), (
        "docs/architecture.md is stale: paste the output of `python tests/test_architecture.py`")


if __name__ == "__main__":
    print(mermaid())
