"""Each normalization stage against the before/after example in its module docstring.

The docstrings are documentation a newcomer reads first; this test keeps them true.
Every catalogue function and sample also survives normalization and still computes the
same values as the original (normalized code is run as plain Python).
"""
from __future__ import annotations

import ast
import copy
import importlib
import re
import textwrap

import gast
import pytest

from adjoint.ad.naming import function_namer
from adjoint.backend import codegen
from adjoint.frontend.check import check_function
from adjoint.frontend.parse import parse_function
from adjoint.normalize import anf, desugar, jumps
from adjoint.pipeline import normalize
from catalogue import CASES

STAGES = {
    "desugar": (desugar, ("desugar",)),
    "jumps": (jumps, ("desugar", "jumps")),
    "anf": (anf, ("desugar", "jumps", "anf")),
}


def docstring_example(module) -> tuple:
    text = module.__doc__
    before = re.search(r"Before::\n\n(.*?)\n\nAfter", text, re.S).group(1)
    after = re.search(r"After::\n\n(.*?)(\n\n|$)", text, re.S).group(1)
    return textwrap.dedent(before), textwrap.dedent(after)


def run_stages(source: str, stages, tmp_path, name: str) -> str:
    module_path = tmp_path / f"{name}_example.py"
    body = textwrap.indent(source, "    ")
    module_path.write_text(f"import math\nimport numpy as np\n\n\ndef f(x, y, n, xs, w):\n{body}\n")
    spec = importlib.util.spec_from_file_location(f"{name}_example", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    parsed = parse_function(module.f)
    check_function(parsed.node, parsed.info)
    namer = function_namer(parsed.node)
    if "desugar" in stages:
        desugar.desugar(parsed, namer.fresh, "np")
    if "jumps" in stages:
        jumps.lower_jumps(parsed.node, namer.fresh)
    if "anf" in stages:
        anf.to_anf(parsed.node, namer.fresh)
    return codegen.to_source(parsed.node)


def body_dump(source: str) -> str:
    tree = ast.parse(textwrap.dedent(source))
    if isinstance(tree.body[0], ast.FunctionDef):
        tree = ast.Module(body=tree.body[0].body, type_ignores=[])
    return ast.dump(tree)


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_docstring_example_is_what_the_stage_does(stage, tmp_path):
    module, stages = STAGES[stage]
    before, after = docstring_example(module)
    before_body = before.split("\n", 1)[1] if before.startswith("def ") else before
    produced = run_stages(textwrap.dedent(before_body), stages, tmp_path, stage)
    assert body_dump(produced) == body_dump(after.split("\n", 1)[1] if after.startswith("def ") else after)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_normalized_catalogue_functions_compute_the_same_values(case, rng):
    parsed, _ = normalize(case.fn)
    source = codegen.to_source(copy.deepcopy(parsed.node))
    namespace = dict(case.fn.__globals__)
    namespace.update(parsed.namespace)
    exec(compile(source, f"<normalized {case.id}>", "exec"), namespace)
    normalized = namespace[parsed.node.name]
    args = case.make_args(rng)
    expected = case.fn(*copy.deepcopy(args))
    assert normalized(*copy.deepcopy(args)) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_anf_leaves_one_operation_per_assignment(rng):
    for case in CASES:
        parsed, _ = normalize(case.fn)
        for node in gast.walk(parsed.node):
            if isinstance(node, gast.Assign) and isinstance(node.value, (gast.BinOp, gast.Call)):
                operands = node.value.args if isinstance(node.value, gast.Call) else [node.value.left, node.value.right]
                assert all(isinstance(o, (gast.Name, gast.Constant)) for o in operands), case.id
