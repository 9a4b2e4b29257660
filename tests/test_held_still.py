"""frontend/held.py: while a stretch only reads a tree, the walks of the whole tree share one,
with the same nodes in the same order; after `let_go`, outside the stretch and after an error in
it, the tree is walked afresh, so a change is seen; a change made without `let_go` is an error
when the stretch ends (the test suite sets ADJOINT_CHECK_HOLDS)."""
from __future__ import annotations

import gast
import pytest

from adjoint import nodes
from adjoint.frontend.held import ChangedWhileHeld, held_still, let_go

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


def _changed_and_walked_afresh(tree):
    tree.body.insert(0, nodes.assign("c", nodes.name("x")))
    assert nodes.every_node(tree) == list(nodes.walk(tree)) == _fresh(tree)
    assert "c" in nodes.local_names(tree)


def test_a_tree_changed_after_the_stretch_is_walked_afresh():
    tree = _tree()
    with held_still(tree):
        nodes.every_node(tree)
    _changed_and_walked_afresh(tree)
    assert not nodes.HELD_STILL


def _refused(tree):
    raise ValueError("refused")


def _changed_unannounced(tree):
    tree.body.insert(0, nodes.assign("c", nodes.name("x")))


@pytest.mark.parametrize("stretch, error", [(_refused, ValueError), (_changed_unannounced, ChangedWhileHeld)])
def test_a_stretch_that_fails_lets_the_tree_go(stretch, error):
    """An error in the stretch, or a change made in it without let_go (an error when it ends)."""
    tree = _tree()
    with pytest.raises(error):
        with held_still(tree):
            stretch(tree)
    assert not nodes.HELD_STILL
    tree.body.pop(0)
    assert nodes.every_node(tree) == _fresh(tree)


def test_a_stretch_lets_go_of_a_tree_it_changes():
    tree = _tree()
    with held_still(tree):
        let_go(tree)
        _changed_and_walked_afresh(tree)
    assert not nodes.HELD_STILL


def test_stretches_nest():
    tree, other = _tree(), _tree()
    with held_still(tree):
        held = nodes.HELD_STILL[id(tree)]
        with held_still(other):
            assert nodes.every_node(other) == _fresh(other)
            with held_still(tree):  # the stretch holding it goes on
                assert nodes.HELD_STILL[id(tree)] is held
            assert nodes.HELD_STILL[id(tree)] is held
        assert id(other) not in nodes.HELD_STILL
        with held_still(tree):
            let_go(tree)  # lets go for the stretch holding it too
        assert id(tree) not in nodes.HELD_STILL
    assert not nodes.HELD_STILL
