"""adjoint.frontend.conversion builds the very trees gast's converters build, both ways."""
from __future__ import annotations

import ast
import pathlib
import sys
import textwrap

import gast
import pytest

from adjoint import nodes
from adjoint.backend.printable import printable
from adjoint.frontend.conversion import MIRRORED, to_ast, to_gast

pytestmark = pytest.mark.skipif(not MIRRORED, reason="adjoint's converters mirror gast 0.7.0; with another gast, gast's own run")

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The package and the test modules, less the collected probe programs: hundreds of functions of
# the same few forms, which convert as the rest does and took a third of the file's time.
SOURCES = sorted(ROOT.glob("adjoint/**/*.py")) + sorted(
    path for path in ROOT.glob("tests/*.py")
    if not (path.stem.endswith("_programs") or path.stem.startswith(("test_probe", "soundness_probe"))))

SYNTAX = textwrap.dedent('''
    import os, sys as system
    from a.b import c as d, e
    def f(x: int, /, y=1, *args: int, z, w=2, **kw) -> int:
        global g
        try:
            pass
        except (A, B) as err:
            raise X from err
        except Exception:
            pass
        else:
            pass
        finally:
            pass
        async def h():
            async with a as b, c:
                await q
            async for i in j:
                yield i
        lam = lambda a, *b, c=1, **d: a
        s = f"{x!r:>{w}} {y=}"
        (n := 5)
        del a[1:2, ::3], b.c
        with open(x) as (a, b):
            pass
        return [i for i in x if i] + {k: v for k, v in y} + {i async for i in z}
    class C(Base, metaclass=M):
        x: int = 1
        def m(self):
            return super().m()
''')
NEWER_SYNTAX = textwrap.dedent('''
    type Alias[T] = list[T]
    def f[T: int, *Ts, **P](x: T) -> T:
        try:
            pass
        except* ValueError as err:
            pass
        match x:
            case [1, 2, *rest]: pass
            case {"a": 1, **kw}: pass
            case Point(x=0, y=yy) | None: pass
            case _ if x: pass
    class C[T]:
        pass
''')


def same(built, expected) -> bool:
    """Same classes, same attributes in the same order, same values, all the way down."""
    if type(built) is not type(expected):
        return False
    if isinstance(expected, list):
        return len(built) == len(expected) and all(map(same, built, expected))
    if isinstance(expected, ast.AST):
        fields = vars(expected)
        return list(vars(built)) == list(fields) and all(same(getattr(built, key), value)
                                                         for key, value in fields.items())
    return built == expected or (built != built and expected != expected)


def assert_same(built, expected, path="tree"):
    """same(built, expected); where not, the path to the first difference."""
    if same(built, expected):
        return
    assert type(built) is type(expected), path
    if isinstance(expected, list):
        assert len(built) == len(expected), path
        for index, (a, b) in enumerate(zip(built, expected)):
            assert_same(a, b, f"{path}[{index}]")
    elif isinstance(expected, ast.AST):
        assert list(vars(built)) == list(vars(expected)), path
        for key, value in vars(expected).items():
            assert_same(getattr(built, key), value, f"{path}.{key}")
    else:
        assert built == expected or (built != built and expected != expected), path


def check(source: str, label: str) -> None:
    expected = gast.ast_to_gast(ast.parse(source))
    assert_same(to_gast(ast.parse(source)), expected, label)
    expected_ast = gast.gast_to_ast(expected)
    assert_same(to_ast(expected), expected_ast, label)
    tree, identifiers = printable(expected)  # what codegen prints: the same tree but for the positions
    assert ast.dump(tree) == ast.dump(expected_ast), label
    assert identifiers == nodes.all_identifiers(expected), label


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_project_sources_convert_as_gast_converts_them(path):
    check(path.read_text(encoding="utf-8"), str(path))


def test_every_kind_of_statement_converts_as_gast_converts_it():
    check(SYNTAX, "syntax")


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameters, except* and match need Python 3.12")
def test_newer_syntax_converts_as_gast_converts_it():
    check(NEWER_SYNTAX, "newer syntax")
