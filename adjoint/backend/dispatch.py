"""The cached call's choice of generated function: argument types -> the function to call.

`grad(f)(*args)` calls the code generated for the types of its arguments. A dict keyed by
`tuple(map(type, args))` makes a tuple on every call; `picker` writes, for the few type tuples
seen so far, a function that compares each argument's type with `is` and returns the function
for them (None for types not seen), about half the cost on a seven-argument call.

    def pick(args):
        if len(args) == 2 and type(args[0]) is _t0_0 and type(args[1]) is _t0_1:
            return _f0
        return None
"""
from __future__ import annotations

from typing import Callable, Dict, Optional

MAX_WRITTEN = 4  # more type tuples than this: looked up in the dict


def _none(args: tuple) -> None:
    return None


def picker(table: Dict[tuple, Callable]) -> Callable[[tuple], Optional[Callable]]:
    """A function of the arguments giving table[tuple(map(type, args))], or None when absent."""
    entries = [(key, function) for key, function in table.items()
               if isinstance(key, tuple) and all(isinstance(item, type) for item in key)]
    if not entries:
        return _none
    if len(entries) > MAX_WRITTEN:
        return lambda args: table.get(tuple(map(type, args)))
    namespace: Dict[str, object] = {}
    lines = ["def pick(args):"]
    for number, (types, function) in enumerate(entries):
        tests = [f"len(args) == {len(types)}"]
        for position, kind in enumerate(types):
            namespace[f"_t{number}_{position}"] = kind
            tests.append(f"type(args[{position}]) is _t{number}_{position}")
        namespace[f"_f{number}"] = function
        lines += [f"    if {' and '.join(tests)}:", f"        return _f{number}"]
    lines.append("    return None")
    exec(compile("\n".join(lines) + "\n", "<adjoint dispatch>", "exec"), namespace)
    return namespace["pick"]
