"""inspect.getsourcelines for a function, without Python's tokenizer where the function ends plainly.

inspect finds where a function's source ends by running the tokenize module over it: a
millisecond for every fifty lines, and a few more the first time in a process (tokenize
compiles its expressions), which a derivative served from the disk cache otherwise pays for
nothing else. Where the function is plain, its end is read from its syntax tree instead, with
the same result:

- it is a `def` (after decorators of a line each) whose body starts on a line of its own
  (inspect's tokenizer then sees the body indented), indented with spaces only;
- the first line after it holding code (not blank, not only a comment) is indented no more
  than the `def` (or there is none), and between the end of the function's last statement and
  that line there are blank lines and comments indented no more than the `def` only (inspect
  may count a comment indented more as the function's);
- the lines up to that last statement parse as that one function.

The tokenizer then ends the block at that last statement's line as the tree does. Anything
else is left to inspect.getsourcelines. The tree is returned too: the caller parses those
lines anyway.

Where the function's first line (its code's `co_firstlineno`) starts with `def` or a decorator,
the file's lines are linecache's, as inspect.findsource gives them, without its search for that
line (a regular expression compiled in each process, the function's module looked up).
"""
from __future__ import annotations

import ast
import inspect
import linecache
import textwrap
from typing import Callable, List, Optional, Tuple


def source_lines(func: Callable) -> Tuple[List[str], int, Optional[ast.Module]]:
    """(inspect.getsourcelines(func)..., the tree of textwrap.dedent of those lines, or None)."""
    func = inspect.unwrap(func)  # as inspect.getsourcelines
    lines, start = _found_at_first_line(func) or inspect.findsource(func)
    plain = _plain_block(lines[start:])
    if plain is None:
        block, first_line = inspect.getsourcelines(func)
        return block, first_line, None
    block, module = plain
    return block, start + 1, module


def _found_at_first_line(func: Callable) -> Optional[Tuple[List[str], int]]:
    """inspect.findsource(func) where the line its code starts on is a `def` or a decorator
    (findsource looks no further then); None otherwise."""
    code = getattr(func, "__code__", None)
    if code is None or not inspect.isfunction(func):
        return None
    linecache.checkcache(code.co_filename)  # as findsource: a file edited since is read again
    lines = linecache.getlines(code.co_filename)
    start = code.co_firstlineno - 1
    if not 0 <= start < len(lines) or not lines[start].lstrip().startswith(("def ", "async def ", "@")):
        return None
    return lines, start


def _plain_block(lines: List[str]) -> Optional[Tuple[List[str], ast.Module]]:
    indent = _indentation(lines[0]) if lines else None
    if indent is None:
        return None
    header = 0
    while header < len(lines) - 1 and lines[header][indent:indent + 1] == "@" and _indentation(lines[header]) == indent:
        header += 1  # a decorator
    if _indentation(lines[header]) != indent or not lines[header][indent:].startswith("def "):
        return None
    end = _last_code_line(lines, indent, header + 1)
    if end is None:
        return None
    block = lines[:end]
    text = textwrap.dedent("".join(block))
    try:
        module = ast.parse(text)
    except SyntaxError:  # the end found is inside a string or brackets: not plain
        return None
    if len(module.body) != 1 or not _plain_function(module.body[0], text.splitlines(), end):
        return None
    return block, module


def _indentation(line: str) -> Optional[int]:
    """The number of spaces starting the line; None when other white space (a tab) starts it."""
    stripped = line.lstrip(" ")
    if stripped[:1].isspace() and stripped.strip():
        return None
    return len(line) - len(stripped)


def _last_code_line(lines: List[str], indent: int, start: int) -> Optional[int]:
    """How many lines the block has up to its last line of code, when the first line of code
    after its first `start` lines indented no more than the `def` follows it after blank lines
    only; else None."""
    last = start
    for number, line in enumerate(lines[start:], start=start + 1):
        text = line.strip()
        if not text:
            continue
        if text.startswith("#"):
            depth = _indentation(line)
            if depth is None or depth > indent:  # inspect may count it as the function's
                last = -number  # the block may not end after it
            continue
        depth = _indentation(line)
        if depth is None:
            return None
        if depth <= indent:
            break
        last = number
    return last if last > 0 else None


def _plain_function(node: ast.stmt, lines: List[str], end: int) -> bool:
    """A def that ends on the last of its (dedented) lines, whose body starts on a line of its own."""
    if not isinstance(node, ast.FunctionDef) or node.end_lineno != end:
        return False
    first = node.body[0]
    return not lines[first.lineno - 1][:first.col_offset].strip()
