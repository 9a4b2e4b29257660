"""setattr, delattr, exec and eval in a differentiated function: a write or code the analyses
cannot see. `setattr(p, "name", v)` as a statement is the attribute assignment `p.name = v` (a
record's field written, or refused as one); any other use is refused at its line."""
import builtins
import dataclasses
import inspect

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode


class Box:
    def __init__(self, v):
        self.v = v


@dataclasses.dataclass
class Point:
    x: float
    y: float


def set_shape(x):
    y = x * 2.0
    setattr(y, "shape", (2, 2))
    return np.sum(y[0] * y[1])


def set_named(x, name):
    b = Box(x)
    setattr(b, name, x * 3.0)
    return np.sum(b.v * x)


def set_held_name(x):
    b = Box(x)
    n = "v"
    setattr(b, n, x * 3.0)
    return np.sum(b.v * x)


def set_kept(x):
    b = Box(x)
    r = setattr(b, "v", x * 3.0)
    return np.sum(b.v * x) if r is None else 0.0


def set_passed(x):
    b = Box(x)
    write = setattr
    write(b, "v", x * 3.0)
    return np.sum(b.v * x)


def set_private(x):
    b = Box(x)
    setattr(b, "__v", x * 3.0)
    return np.sum(b.v * x)


def delete_field(x):
    b = Box(x)
    delattr(b, "v")
    b.v = x * 2.0
    return np.sum(b.v * x)


def object_set(x):
    b = Box(x)
    object.__setattr__(b, "v", x * 3.0)
    return np.sum(b.v * x)


def executed(x):
    y = x * 2.0
    exec("y[0] = 100.0")
    return np.sum(y * x)


def evaluated(x):
    y = eval("x * x")
    return np.sum(y)


def evaluated_number(x):
    return eval("x * x") + x


WRITE = setattr


def set_through_an_alias(x):
    b = Box(x)
    WRITE(b, "v", x * 3.0)
    return np.sum(b.v * x)


def executed_from_builtins(x):
    y = x * 2.0
    builtins.exec("y[0] = 100.0")
    return np.sum(y * x)


def set_record_field(x):
    p = Point(x, 2.0 * x)
    setattr(p, "y", p.x * p.y)
    return p.x + p.y * p.y


def set_box_field(x):
    b = Box(x)
    setattr(b, "v", x * 3.0)
    return np.sum(b.v * x)


REFUSED = [  # (function, arguments, the construct named, the text of the line refused)
    (set_shape, (np.arange(1.0, 5.0),), "attribute assignment", 'setattr(y, "shape"'),
    (lambda x: set_named(x, "v"), (np.arange(1.0, 5.0),), "setattr", None),
    (set_held_name, (np.arange(1.0, 5.0),), "setattr", "setattr(b, n,"),
    (set_kept, (np.arange(1.0, 5.0),), "setattr", "r = setattr("),
    (set_passed, (np.arange(1.0, 5.0),), "setattr", "write = setattr"),
    (set_private, (np.arange(1.0, 5.0),), "setattr", 'setattr(b, "__v"'),
    (delete_field, (np.arange(1.0, 5.0),), "delattr", "delattr("),
    (object_set, (np.arange(1.0, 5.0),), "__setattr__", "object.__setattr__("),
    (executed, (np.arange(1.0, 5.0),), "exec", "exec("),
    (executed_from_builtins, (np.arange(1.0, 5.0),), "exec", "builtins.exec("),
    (evaluated, (np.arange(1.0, 5.0),), "eval", "eval("),
    (evaluated_number, (1.5,), "eval", "eval("),
]


def _line_of(func, text):
    lines, start = inspect.getsourcelines(func)
    return next(start + i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("func, args, construct, line", REFUSED, ids=lambda v: getattr(v, "__name__", None))
@pytest.mark.parametrize("mode", ["grad", "value_and_grad", "vjp", "jvp", "hvp"])
def test_refused_at_the_line(func, args, construct, line, mode):
    tangent = np.ones_like(args[0]) if isinstance(args[0], np.ndarray) else 1.0
    calls = {"grad": lambda: adjoint.grad(func)(*args),
             "value_and_grad": lambda: adjoint.value_and_grad(func)(*args),
             "vjp": lambda: adjoint.vjp(func)(*args)[1](1.0),
             "jvp": lambda: adjoint.jvp(func)(*args, tangent),
             "hvp": lambda: adjoint.hvp(func)(*args, tangent)}
    with pytest.raises(adjoint.AdjointError) as refused:
        calls[mode]()
    message = str(refused.value)
    assert construct in message, message
    if line is not None:
        assert f"test_reflective_writes.py:{_line_of(func, line)}:" in message, message


def test_a_records_field_set_by_name_is_its_attribute_assignment():
    check_every_mode(set_record_field, (1.3,))


def test_a_plain_objects_field_set_by_name():
    check_every_mode(set_box_field, (np.arange(1.0, 5.0),), second_order=True)


def test_setattr_through_an_alias_is_the_attribute_assignment_too():
    check_every_mode(set_through_an_alias, (np.arange(1.0, 5.0),))
