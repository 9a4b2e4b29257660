"""frontend.source_lines gives the lines inspect.getsourcelines gives, for every kind of function."""
from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import textwrap

import pytest

from adjoint.frontend.source_lines import source_lines

MODULES = ["catalogue_functions", "function_programs", "higher_order_functions", "hostile_functions",
           "scientific_programs", "json", "textwrap", "inspect", "ast", "dataclasses"]

EDGES = '''
def same(*args):
    def decorate(func):
        return func
    return decorate

def trailing_comment(x):
    return x
    # at the body's indentation

def comment_after(x):
    return x
# at column 0
AFTER = 1

def one_line(x): return x
ONE = 2

def continued_header(x,
y):
    return x

def text_at_column_0(x):
    s = """
text
"""
    return s

def continued_call(x):
    return max(x,
x)
CONTINUED = 3

class Holder:
    def method(self):
        return 1
        # in the method

    def other(self):
        return 2
    # at the class's indentation

def backslash(x):
    return x \\
        + 1

def tab(x):
\treturn x

def commented_end(x):
    return x  # on the last line

def blank_lines_after(x):
    return x

# a comment at column 0, then the next definition

def comment_between(x):
    return x
  # between the def's indentation and the body's

def comment_at_column_0_then_code(x):
    return x

# at column 0
@same()
def decorated_after_a_comment(x):
    return x



def header_comment(x):  # here
    # and here
    return x
@same()
@same(2)
def decorated(x):
    return x

@same(1,
      2)
def decorated_on_two_lines(x):
    return x

def brackets(x):
    return [
        x
    ]
def last(x):
    return x
'''


def functions_of(module):
    found, classes = [], [module]
    while classes:
        owner = classes.pop()
        for value in list(vars(owner).values()):
            if getattr(value, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(value):
                found.append(value)
            elif inspect.isclass(value) and value is not owner:
                classes.append(value)
    return found


def check(func) -> bool:
    """Whether source_lines read func's lines from its tree (or left them to inspect)."""
    try:
        expected = inspect.getsourcelines(func)
    except (OSError, TypeError):
        with pytest.raises((OSError, TypeError)):
            source_lines(func)
        return False
    lines, first_line, module = source_lines(func)
    assert (lines, first_line) == expected, func
    if module is not None:
        assert ast.dump(module) == ast.dump(ast.parse(textwrap.dedent("".join(expected[0]))))
    return module is not None


@pytest.mark.parametrize("name", MODULES)
def test_the_functions_of_a_module_have_the_lines_inspect_gives(name):
    functions = functions_of(importlib.import_module(name))
    assert functions
    assert any([check(func) for func in functions])


def test_functions_ending_in_every_way_have_the_lines_inspect_gives(tmp_path):
    path = tmp_path / "edges.py"
    path.write_text(EDGES)
    spec = importlib.util.spec_from_file_location("edges", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    read_from_tree = {func.__name__ for func in functions_of(module) if check(func)}
    assert {"trailing_comment", "one_line", "continued_header", "text_at_column_0", "continued_call", "tab",
            "decorated_on_two_lines", "method", "comment_between"}.isdisjoint(read_from_tree)
    assert {"backslash", "commented_end", "blank_lines_after", "header_comment", "decorated", "brackets",
            "last", "comment_after", "other", "comment_at_column_0_then_code",
            "decorated_after_a_comment"} <= read_from_tree


def test_a_function_defined_inside_another_has_the_lines_inspect_gives():
    def outer(scale):
        def inner(x):
            return x * scale
        return inner
    assert check(outer(2.0)) and check(outer)
