"""backend/astor_text.py writes what astor.to_source writes, byte for byte: parentheses, numbers,
strings, long lines (which astor wraps), and what it leaves to astor."""
from __future__ import annotations

import textwrap

import astor
import gast
import pytest

from adjoint import nodes
from adjoint.backend import astor_text, codegen
from adjoint.backend.printable import printable

BODIES = [
    "a = x * y + z\nb = (x + y) * z\nc = x - (y - z)\nd = x - y - z\ne = x / (y * z)\nreturn a",
    "a = x ** y ** z\nb = (x ** y) ** z\nc = -x ** 2\nd = (-x) ** 2\ne = x ** -y\nf = 2 ** (x + 1)",
    "a = -(-x)\nb = not x\nc = not (x and y)\nd = ~x + +y\ne = -(x + y)\nf = (not x) == y",
    "a = x < y < z\nb = (x < y) < z\nc = x is not None and y in z or not x\nd = (x or y) and z",
    "a = x if y else z\nb = (x if y else z) + 1\nc = x if (y if z else x) else z\nd = f(x if y else z)",
    "a = -1.0\nb = x - -1.0\nc = (-1.5) ** 2\nd = (1).real\ne = 1e300 * 1e300\nf = 3j\ng = (1 + 2j) * x",
    "a = float('inf')\nb = 1e1000\nc = -1e1000\nd = True + False\ne = None\nf = ...\ng = b'bytes'",
    "a = x[0]\nb = x[1:2]\nc = x[::2]\nd = x[:, None]\ne = x[1:2, ::3, ...]\nf = x[(1, 2)]\ng = x[i + 1]",
    "a = x[1:2:None]\nb = x[-1]\nc = (x + y)[0]\nd = f(x)[0].T\ne = x.shape[0]\nf = (x * y).sum()",
    "a = f()\nb = f(x)\nc = f(x, y)\nd = f(*x)\ne = f(x, *y, k=1, **z)\nf = f(k=x + 1)\ng = f((x, y))",
    "a = x, y\nb = (x,)\nc = ()\nd = [x, (y, z)]\ne = {x: y, **z}\nf = {x, y}\ng = set()\nh = {}",
    "a, b = x\n(a, b), c = x\n[a, b] = x\na = b = x\nx[0] = y\nx.attr = y\nx += 1\nx[i] -= y * z",
    "f(x)\nx.append(y)\nreturn\npass\ndel x, y[0]\nassert x > 0, 'positive'\nraise ValueError('no') from None",
    "if x:\n    a = 1\nelif y:\n    a = 2\nelif z:\n    a = 3\nelse:\n    a = 4",
    "if x:\n    a = 1\nelse:\n    if y:\n        a = 2\n    a = 3",
    "for i in range(3):\n    a = i\nelse:\n    a = 0\nfor i, j in (x, y):\n    break\nwhile x > 0:\n    x = x - 1\n"
    "    continue\nelse:\n    x = 1\nfor i in x + y:\n    pass",
    "a = 'text'\nb = \"it's\"\nc = f('a' + x)\nd = 'line\\nbreak'\ne = '" + "a long line " * 8 + "\\nbreak'\nf = 'an indented string\\n        on two lines'\n'a docstring at the start of a line'\n"
    "'text' + x\n('text').upper()\nr = u'unicode'\nreturn 'returned'",
    "a = lambda v: v + 1\nb = [v for v in x if v]\nc = (v for v in x)\nd = f(v for v in x)\ne = f'{x}'\n"
    "with x:\n    pass\ntry:\n    a = 1\nexcept ValueError as e:\n    a = 2\nfinally:\n    a = 3",
    "dx = unbroadcast(_t1 * d_t2, x) + unbroadcast(k * unbroadcast(x * d_t2, _t1), x) + unbroadcast(y, x)\n"
    "sequence_or_refuse(y, 'the loop iterates over a dict, which adjoint differentiates through `.keys()`, "
    "`.values()` and `.items()` only', '/a/file.py', 489)\n"
    "if some_long_condition_name > another_long_condition_name + yet_another_long_condition_name_here:\n    pass\n"
    "for index_with_a_long_name in range(some_function_with_a_long_name(argument_number_one, argument_2)):\n"
    "    pass",
    "a = x\n" + "    " * 0 + "if x:\n" + "".join("    " * depth + "if x:\n" for depth in range(1, 8)) + "    " * 8
    + "some_value_with_a_long_name = another_value_with_a_long_name * a_third_value_here",
]

HEADERS = ["f(x)", "f(x, y=1.0, *args, z, w=(1, 2), **kwargs)", "f(*, k)", "f(x=-1)",
           "g(a_parameter_with_a_long_name, another_parameter_with_a_long_name, a_third_one)"]


def _function(header: str, body: str) -> gast.FunctionDef:
    return gast.parse(f"def {header}:\n" + textwrap.indent(body, "    ")).body[0]


def _astor(func: gast.FunctionDef) -> str:
    return astor.to_source(gast.gast_to_ast(func))


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("header", HEADERS[:2])
def test_astor_text_writes_what_astor_writes(header, body):
    func = _function(header, body)
    text, names = astor_text.function_text(func)
    assert text == _astor(func)
    assert names == nodes.all_identifiers(func) == printable(func)[1]


@pytest.mark.parametrize("header", HEADERS)
def test_a_header_astor_text_leaves_to_astor_is_written_by_astor(header):
    func = _function(header, "return x")
    if len(f"def {header}:") > astor_text.MAX_LINE:
        with pytest.raises(astor_text.LeftToAstor):
            astor_text.function_text(func)
    else:
        assert astor_text.function_text(func)[0] == _astor(func)
    assert codegen.render(_function(header, "return x"))[0] == _astor(func)


def test_decorated_and_annotated_functions_are_left_to_astor():
    for source in ["@d\ndef f(x):\n    return x", "def f(x: float) -> float:\n    return x", "def f(x, /):\n    pass"]:
        func = gast.parse(source).body[0]
        with pytest.raises(astor_text.LeftToAstor):
            astor_text.function_text(func)
        assert codegen.render(gast.parse(source).body[0])[0] == _astor(func)
