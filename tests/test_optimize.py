"""Each optimization pass against the before/after example in its module docstring, and the
fixed point of the whole pipeline of passes."""
from __future__ import annotations

import ast
import re
import textwrap

import gast
import pytest

from adjoint.frontend.parse import MISSING
import adjoint.optimize as pipeline
from adjoint import nodes
from adjoint.optimize import PASSES, accumulations, comments, constants, copies, cse, dce, first_writes, fold, inline, zeros
from adjoint.optimize.facts import Facts
from every_mode import check_every_mode


def example(module) -> tuple:
    text = module.__doc__
    before = re.search(r"Before::\n\n(.*?)\n\nAfter", text, re.S).group(1)
    after = re.search(r"After[^:]*::\n\n(.*?)(\n\n|$)", text, re.S).group(1)
    return textwrap.dedent(before), textwrap.dedent(after)


def facts_for_example(source: str) -> Facts:
    names = {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}
    adjoints = frozenset(n for n in names if n.startswith("d"))
    protected = frozenset(n for n in names if not n.startswith(("_", "d_")))
    resolve = {"math": __import__("math")}.get
    return Facts(adjoints, frozenset(), lambda name: resolve(name, MISSING), protected)


def optimized(source: str, passes) -> str:
    tree = gast.parse("def f():\n" + textwrap.indent(source, "    ")).body[0]
    facts = facts_for_example(source)
    for _ in range(10):
        if not any([optimization(tree, facts) for optimization in passes]):
            break
    return ast.dump(ast.Module(body=gast.gast_to_ast(tree).body, type_ignores=[]))


def expected(source: str) -> str:
    return ast.dump(ast.parse(source))


@pytest.mark.parametrize("module, passes", [
    (fold, [fold.run]),
    (dce, [dce.run]),
    (cse, [cse.run]),
    (zeros, [zeros.run]),
    (constants, [constants.run]),
    (copies, [copies.run]),
    (accumulations, [accumulations.run]),
    (inline, [inline.run]),
    (first_writes, [first_writes.run]),
    (pipeline, PASSES),
], ids=["fold", "dce", "cse", "zeros", "constants", "copies", "accumulations", "inline", "first writes", "all passes"])
def test_docstring_example_is_what_the_pass_does(module, passes):
    before, after = example(module)
    produced = optimized(before, passes)
    assert produced == expected(after)


def test_zeros_annihilate_only_in_adjoint_statements():
    # x * 0.0 may be an array of zeros in the primal; only adjoints are symbolic zeros.
    produced = optimized("y = x * 0.0\ndy = dx * 0.0\nreturn y, dy", [fold.run])
    assert produced == expected("y = x * 0.0\ndy = 0.0\nreturn y, dy")


@pytest.mark.parametrize("source", [
    "dx = 0.0\ny = dx * 2.0\ndx = dx + dz\nreturn dx, y",  # read between: the zero is seen there
    "dx = 0.0\ndx = dx + (a > b)\nreturn dx",  # 0.0 + a comparison is a float, the comparison is not
    "dx = 0.0\ndx = dx + dx * a\nreturn dx",  # the term reads the zero
    "dx = 0.0\nif c:\n    dx = dx + dz\nreturn dx",  # not in the same block
    "dx = 0.0\nfor i in r:\n    dx = dx + dz\nreturn dx",
    "x = 0.0\nx = x + dz\nreturn x",  # not an adjoint
])
def test_first_writes_join_only_a_zero_nothing_else_sees(source):
    assert optimized(source, [first_writes.run]) == expected(source)


def test_first_writes_keep_the_zero_a_joined_term_reads():
    produced = optimized("da = 0.0\ndx = 0.0\ndx = dx + da * y\nda = da + dz\nreturn dx, da", [first_writes.run])
    assert produced == expected("da = 0.0\ndx = da * y\nda = da + dz\nreturn dx, da")


def test_first_writes_make_what_the_passes_make_of_a_zero_and_an_accumulation():
    source = "da = 0.0\ndb = 0.0\nda = da + dz\ndb = db + -da\ndx = y * db\nreturn dx"
    assert optimized(source, [first_writes.run, *PASSES]) == optimized(source, PASSES)


def test_comparisons_keep_their_float_factor():
    produced = optimized("da = 1.0 * (a > b)\nreturn da", [fold.run])
    assert produced == expected("da = 1.0 * (a > b)\nreturn da")


def test_passes_reach_a_fixed_point_on_loops():
    source = "dx = 0.0\nfor i in range(3):\n    d_t = 0.0\n    d_t = d_t + dx\n    dx = 0.9 * d_t\n    d_t = 0.0\nreturn dx"
    produced = optimized(source, PASSES)
    assert produced == expected("dx = 0.0\nfor i in range(3):\n    dx = 0.9 * dx\nreturn dx")


def test_stack_operations_are_never_removed():
    source = "_stack.append(x)\nx = 2.0\ny = _stack.pop()\nreturn 1.0"
    assert optimized(source, PASSES) == expected("_stack.append(x)\ny = _stack.pop()\nreturn 1.0")


def test_cse_keeps_a_value_computed_from_the_old_value_of_its_target():
    # `1.5 * d_t2` reads dv's old value through the copy d_t2: after `dv = ...` it is another value
    source = "d_t2 = dv\ndv = 1.5 * d_t2\nd_t1 = dv\ndv = 1.5 * d_t1\nds = dv * s\nreturn ds"
    assert optimized(source, [cse.run]) == expected(source)


def test_a_number_scaled_twice_by_one_factor_in_every_mode():
    def scaled_twice(s):
        v = s
        v = v * 1.5
        v = v * 1.5
        return v * v
    check_every_mode(scaled_twice, (-1.1125,))


def test_copies_keep_a_copy_still_read_elsewhere():
    # the copy's temporary is read past a compound statement (not renamed there) and by the
    # next iteration of a loop: both keep the copy
    after_if = "_t1 = a\nz = _t1 * b\nif c:\n    z = _t1\nreturn z"
    assert optimized(after_if, [copies.run]) == expected("_t1 = a\nz = a * b\nif c:\n    z = _t1\nreturn z")
    in_loop = "_t1 = a\nfor i in r:\n    z = _t1 * b\n    _t1 = z\nreturn z"
    assert optimized(in_loop, [copies.run]) == expected(in_loop)


def test_copies_drop_a_copy_whose_readers_were_all_renamed():
    produced = optimized("_t1 = a\n_t2 = _t1\nz = _t2 * _t1\nreturn z", [copies.run])
    assert produced == expected("z = a * a\nreturn z")


def test_fold_takes_out_a_math_call_of_constants_that_is_a_whole_number():
    # math.log's rule with its default base: the logarithm of e is 1.0, and the factor goes
    produced = optimized("dx = dy / (x * math.log(math.e))\nreturn dx", [fold.run])
    assert produced == expected("dx = dy / x\nreturn dx")
    for kept in ("dx = dy / (x * math.log(2.0))", "dx = dy * math.exp(1.0)", "dx = dy * math.log(0.0)"):
        assert optimized(kept + "\nreturn dx", [fold.run]) == expected(kept + "\nreturn dx")


def test_fold_writes_a_product_with_minus_one_as_a_negation_where_it_keeps_the_type():
    produced = optimized("dx = -1.0 * (dy / da) / da\nreturn dx", [fold.run])  # adjoints: floating
    assert produced == expected("dx = -(dy / da) / da\nreturn dx")
    kept = "dx = -1.0 * (n > 0)\nreturn dx"  # a bool times -1.0 is a float, its negation an int
    assert "op=Mult()" in optimized(kept, [fold.run])
    unsigned = "dx = -1.0 * y\nreturn dx"  # y may be a uint8 array, whose negation wraps around
    assert "op=Mult()" in optimized(unsigned, [fold.run])


def test_fold_writes_an_int_factor_of_a_quotient_as_a_float():
    produced = optimized("dx = dy / dz * 2\nreturn dx", [fold.run])  # adjoints: numbers or arrays
    assert produced == expected("dx = dy / dz * 2.0\nreturn dx")


def _with_comments(source: str) -> gast.FunctionDef:
    lines = [line[:line.index("#")] + f"{nodes.COMMENT_MARKER}({line.strip()[2:]!r})"
             if line.strip().startswith("# ") else line for line in source.splitlines()]
    return gast.parse("def f():\n" + textwrap.indent("\n".join(lines), "    ")).body[0]


def test_comments_stand_aside_while_the_passes_run_and_come_back_before_what_they_head():
    source = textwrap.dedent("""\
        # Grad of: z = a + b
        da = 0.0
        da = da + dz
        # Grad of: b = math.sin(x)
        db = 0.0
        # Grad of: a = x * y
        dx = y * da
        if c:
            # Grad of: inside
            dy = x * da
        return dx, dy
    """)
    tree = _with_comments(source)
    detached = comments.detach(tree)
    assert len(detached) == 4 and not any(nodes.is_comment(s) for s in nodes.statements(tree))
    for optimization in PASSES:
        optimization(tree, facts_for_example(source))
    comments.attach(tree, detached)
    # the comment heading only the dead `db = 0.0` is gone; the others head what is left of theirs
    texts = [s.value.args[0].value if nodes.is_comment(s) else type(s).__name__ for s in nodes.statements(tree)]
    assert texts == ["Grad of: z = a + b", "Assign", "Grad of: a = x * y", "Assign", "If",
                     "Grad of: inside", "Assign", "Return"]
