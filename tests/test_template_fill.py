"""Filling a rule template in: the builders made once per template give, for every rule, the
tree a walk of the template gives (the way templates were filled in before), node for node
with positions; dropping unbroadcast as the template is filled in is the rewrite of the
whole expression; the adjoint statements' reads put together from per-statement facts are
nodes.exposed_reads."""
from __future__ import annotations

import itertools

import gast
import pytest

from adjoint import nodes
from adjoint.ad.code_reads import CodeReads
from adjoint.rules import libraries
from adjoint.rules.table import ADJOINTS, TANGENTS
from adjoint.linear_zeros import SHAPING, LinearZeros
from adjoint.templates import RESULT, instantiate, is_derivative


def _templates():
    libraries.load()
    found = {}
    for table in (ADJOINTS, TANGENTS):
        for func in table.functions():
            template = table.template(func)
            found.setdefault(id(template), (f"{table.kind}:{getattr(func, '__qualname__', func)}", template))
    return sorted(found.values(), key=lambda entry: entry[0])


TEMPLATES = _templates()


# A filled-in node takes the position of the user's code it stands for (copy_location), not the rule file's.
_NO_POSITION = dict(lineno=None, col_offset=None, end_lineno=None, end_col_offset=None)


def _walk_fill(node, bindings, derivative_of, globals_name, locals_name):
    """A template node filled in by walking it, as instantiate did before its builders (the rule
    file's positions left out)."""
    def fill(node):
        if isinstance(node, list):
            return [fill(item) for item in node]
        if not isinstance(node, gast.AST):
            return node
        if isinstance(node, gast.Name):
            if node.id in bindings:
                return nodes.load_copy(bindings[node.id])
            if node.id in locals_name:
                return nodes.name(locals_name[node.id], store=isinstance(node.ctx, gast.Store))
            if node.id in globals_name:
                return nodes.name(globals_name[node.id])
            kept = node.__class__.__new__(node.__class__)
            kept.__dict__.update(node.__dict__, **_NO_POSITION)
            return kept
        if isinstance(node, gast.Subscript) and is_derivative(node):
            return derivative_of(node.slice.id)
        filled = node.__class__.__new__(node.__class__)
        filled.__dict__.update(node.__dict__, **(_NO_POSITION if "lineno" in node._attributes else {}))
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, (list, gast.AST)):
                setattr(filled, field, fill(value))
        return _decided_none_test(node, filled, bindings)
    return fill(node)


def _decided_none_test(node, filled, bindings):
    """`param is None` (`is not None`) of a param filled in with a literal, decided."""
    if not (isinstance(node, gast.Compare) and isinstance(node.left, gast.Name) and node.left.id in bindings
            and isinstance(node.ops[0], (gast.Is, gast.IsNot)) and isinstance(node.comparators[0], gast.Constant)
            and node.comparators[0].value is None):
        return filled
    if isinstance(filled.left, gast.Constant) and filled.left.value is not None:
        return nodes.constant(isinstance(node.ops[0], gast.IsNot))
    return filled


def _dropped(names):
    def drop(node):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id in names and node.args:
            return node.args[0]
        return node
    return drop


def _walk_instantiate(template, bindings, derivative_of, bind_global, fresh, dropped):
    globals_name = {key: bind_global(key, value) for key, value in template.globals_used.items()}
    shaping = {globals_name[key] for key, value in template.globals_used.items() if any(value is f for f in SHAPING)}
    locals_name, setup, derivatives, zeros, others = {}, [], [], {}, {}

    def recorded(param):
        node = derivative_of(param)
        (zeros if isinstance(node, gast.Constant) and node.value == 0 else others)[id(node)] = node
        return node

    for stmt in template.body:
        if isinstance(stmt, gast.Assign) and is_derivative(stmt.targets[0]):
            filled = _walk_fill(stmt.value, bindings, recorded, globals_name, locals_name)
            derivatives.append((stmt.targets[0].slice.id, LinearZeros(zeros, others, shaping).visit(filled)))
            continue
        for identifier in sorted(set(nodes.names_stored(stmt)) - set(locals_name)):
            locals_name[identifier] = fresh("_" + identifier)
        setup.append(_walk_fill(stmt, bindings, derivative_of, globals_name, locals_name))
    if dropped is not None:
        derivatives = [(param, nodes.rewrite(expr, _dropped(dropped))) for param, expr in derivatives]
    return setup, derivatives


def _filled(template, zero_params, drop, fill):
    """One instantiation with names for atoms (a number for every third), derivatives zero
    for `zero_params`."""
    counter = itertools.count(1)
    bindings = {param: nodes.constant(2.5) if index % 3 == 2 else nodes.name(f"arg_{param}")
                for index, param in enumerate(template.params)}

    def derivative_of(param):
        return nodes.constant(0.0) if param in zero_params else nodes.name(f"d_arg_{param}")

    def bind_global(key, value):
        return "unbroadcast" if key == "unbroadcast" else f"g_{key}"

    def fresh(prefix):
        return f"{prefix}{next(counter)}"

    dropped = {"unbroadcast"} if drop else None
    setup, derivatives = fill(template, bindings, derivative_of, bind_global, fresh, dropped)
    dump = lambda tree: gast.dump(tree, include_attributes=True)  # noqa: E731
    return [dump(stmt) for stmt in setup], [(param, dump(expr)) for param, expr in derivatives]


def _built(template, bindings, derivative_of, bind_global, fresh, dropped):
    instance = instantiate(template, bindings, derivative_of, bind_global, fresh,
                           (lambda: dropped) if dropped is not None else None)
    return instance.setup, instance.derivatives


@pytest.mark.parametrize("label, template", TEMPLATES, ids=[label for label, _ in TEMPLATES])
def test_builders_fill_in_what_a_walk_of_the_template_does(label, template):
    inputs = [param for param in template.params if param != RESULT]
    patterns = [set(), {RESULT}, set(inputs[::2]), set(inputs[1::2])]
    for zero_params, drop in itertools.product(patterns, (False, True)):
        assert _filled(template, zero_params, drop, _built) == _filled(template, zero_params, drop, _walk_instantiate)


def test_the_exposed_reads_put_together_from_statement_facts_are_those_of_a_walk():
    code = gast.parse(
        "a = b + c\n"
        "b = a * d(e)\n"
        "if b:\n"
        "    c = f(c, a)\n"
        "    x.y = z\n"
        "g = [h for h in range(c)]\n"
    ).body
    reads = CodeReads()
    for start, stop in itertools.combinations(range(len(code) + 1), 2):
        assert reads.exposed(code[start:stop]) == nodes.exposed_reads(code[start:stop])
        assert reads.read(code[start:stop]) == {n for stmt in code[start:stop] for n in nodes.names_read(stmt)}
    assert reads.calls_any(code[1], frozenset({"d"})) and not reads.calls_any(code[1], frozenset({"f"}))
