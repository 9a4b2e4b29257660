"""A rule template is read from its source as frontend.source_lines reads a function's (from the
file's lines and the function's syntax tree, without Python's tokenizer): for every rule, the
text and the tree (positions included) are those inspect.getsource and gast.parse give."""
from __future__ import annotations

import inspect
import textwrap

import gast
import pytest

from adjoint.rules import libraries
from adjoint.rules.table import ADJOINTS, TANGENTS
from adjoint.templates import _definition, parse_template


def _rules():
    libraries.load()
    found = {}
    for table in (ADJOINTS, TANGENTS):
        for func in table.functions():
            rule = table._rules[func]
            found.setdefault(id(rule), (f"{table.kind}:{getattr(func, '__qualname__', func)}", rule))
    return sorted(found.values(), key=lambda entry: entry[0])


RULES = _rules()


def _dump(node) -> str:
    return gast.dump(node, include_attributes=True)


@pytest.mark.parametrize("label, rule", RULES, ids=[label for label, _ in RULES])
def test_a_template_is_read_as_inspect_and_gast_read_it(label, rule):
    source = textwrap.dedent(inspect.getsource(rule))
    expected = gast.parse(source).body[0]
    template = parse_template(rule)
    assert template.source == _definition(source, expected.lineno)
    body = [stmt for stmt in expected.body
            if not (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant))]
    assert [_dump(stmt) for stmt in template.body] == [_dump(stmt) for stmt in body]
    assert {name: _dump(node) for name, node in template.defaults.items()} == {
        name: _dump(node) for name, node in
        zip([a.id for a in expected.args.args][len(expected.args.args) - len(expected.args.defaults):],
            expected.args.defaults)}


def test_most_rules_are_read_without_the_tokenizer():
    """The fast path is the one taken (inspect's is the fallback for rules it cannot vouch for)."""
    from adjoint.frontend.source_lines import source_lines
    read_from_tree = [rule for _, rule in RULES if source_lines(rule)[2] is not None]
    assert len(read_from_tree) >= 0.75 * len(RULES)
