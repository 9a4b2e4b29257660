"""analysis.held_still: while a stretch only reads a tree, the walks of the whole tree share one,
with the same nodes in the same order; outside it (and after an error in it) the tree is walked
afresh, so a change made after the stretch is seen."""
from __future__ import annotations

import gast
import pytest

from adjoint import nodes
from adjoint.analysis import held_still

SOURCE = """
def f(x, y):
    a = x * y + 1.0
    if a > 0.0:
        b = [math.sin(a), y]
    else:
        b = [a, -y]
    for i in range(3):
        a = a + b[0] * i
    return a
"""


def _tree() -> gast.FunctionDef:
    return gast.parse(SOURCE).body[0]


def _fresh(tree):
    """The walk nodes.walk makes of tree, node by node (not the held one)."""
    found, todo = [], [tree]
    for node in todo:
        found.append(node)
        todo.extend(nodes.children(node))
    return found


def test_a_held_tree_walks_as_it_would_afresh():
    tree = _tree()
    expected = _fresh(tree)
    assert nodes.every_node(tree) == list(nodes.walk(tree)) == expected
    with held_still(tree):
        assert nodes.every_node(tree) == list(nodes.walk(tree)) == expected
        assert nodes.local_names(tree) == frozenset({"x", "y", "a", "b", "i"})
        inner = tree.body[1]
        assert nodes.every_node(inner) == _fresh(inner)  # a part of the tree is walked as ever
        nodes.every_node(tree).clear()  # what a caller does with its list leaves the held one alone
        assert nodes.every_node(tree) == expected


def test_a_tree_changed_after_the_stretch_is_walked_afresh():
    tree = _tree()
    with held_still(tree):
        nodes.every_node(tree)
    tree.body.insert(0, nodes.assign("c", nodes.name("x")))
    assert nodes.every_node(tree) == list(nodes.walk(tree)) == _fresh(tree)
    assert "c" in nodes.local_names(tree)
    assert not nodes.HELD_STILL


def test_an_error_in_the_stretch_lets_the_tree_go():
    tree = _tree()
    with pytest.raises(ValueError):
        with held_still(tree):
            raise ValueError("refused")
    assert not nodes.HELD_STILL
    tree.body.pop(0)
    assert nodes.every_node(tree) == _fresh(tree)


def test_stretches_nest():
    tree, other = _tree(), _tree()
    with held_still(tree):
        with held_still(other):
            assert nodes.every_node(other) == _fresh(other)
            with held_still(tree):
                assert nodes.every_node(tree) == _fresh(tree)
            assert id(tree) in nodes.HELD_STILL
        assert id(other) not in nodes.HELD_STILL
    assert not nodes.HELD_STILL
