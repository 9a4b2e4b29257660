"""A ufunc's methods as NumPy's functions (a mixin of normalize/desugar.py's Desugar, which gives
it `parsed`, `numpy_name`, `local_names` and `_bound_name`): `reduce` and `accumulate` as the
reductions they are, `outer` as the ufunc of its operands broadcast against each other, each then
differentiated by its function's rule.

Before::

    s = np.add.reduce(x)
    K = np.subtract.outer(x, y)

After::

    s = np.sum(x, axis=0)
    K = np.subtract(np.reshape(x, np.shape(x) + (1,) * np.ndim(y)), y)
"""
from __future__ import annotations

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.resolve import resolve
from adjoint.normalize.keyed import call_free

# A ufunc's reduce and accumulate that NumPy's own functions are (np.sum is np.add.reduce), along
# axis 0 where the method is given none.
UFUNC_FOLDS = {(np.add, "reduce"): "sum", (np.multiply, "reduce"): "prod", (np.maximum, "reduce"): "max",
               (np.minimum, "reduce"): "min", (np.add, "accumulate"): "cumsum", (np.multiply, "accumulate"): "cumprod"}
# Those that are no NumPy function: runtime helpers, along axis 0 too (np.logaddexp.reduce: log-sum-exp).
UFUNC_RUNNING = {(np.maximum, "accumulate"): runtime.running_max, (np.minimum, "accumulate"): runtime.running_min,
                 (np.logaddexp, "reduce"): runtime.log_sum_exp}


class UfuncMethods:
    """Desugar's rewrites of `<ufunc>.reduce`, `.accumulate` and `.outer` calls."""

    def _ufunc_fold(self, node: gast.Call) -> gast.Call:
        """`np.add.reduce(a, axis)` -> `np.sum(a, axis=axis)` (UFUNC_FOLDS), given an array and at
        most an axis (and keepdims for reduce); any other call stays as it is."""
        method = node.func.attr
        ufunc = resolve(node.func.value, self.parsed, self.local_names)
        name, helper = UFUNC_FOLDS.get((ufunc, method)), UFUNC_RUNNING.get((ufunc, method))
        name = helper.__name__ if helper is not None else name
        keywords = {keyword.arg for keyword in node.keywords}
        allowed = {"axis", "keepdims"} if method == "reduce" else {"axis"}
        if name is None or not 1 <= len(node.args) <= 2 or not keywords <= allowed or \
                len(node.args) == 2 and "axis" in keywords or any(isinstance(a, gast.Starred) for a in node.args):
            return node
        axis = node.args[1] if len(node.args) == 2 else next(
            (keyword.value for keyword in node.keywords if keyword.arg == "axis"), nodes.constant(0))
        rest = [keyword for keyword in node.keywords if keyword.arg != "axis"]
        target = nodes.attribute(nodes.name(self.numpy_name), name) if helper is None else \
            nodes.name(self._bound_name(name, helper))
        return nodes.copy_location(gast.Call(func=target, args=node.args[:1],
                                             keywords=[gast.keyword(arg="axis", value=axis)] + rest), node)

    def _ufunc_outer(self, node: gast.Call) -> gast.Call:
        """`np.subtract.outer(a, b)` -> `np.subtract(np.reshape(a, np.shape(a) + (1,) * np.ndim(b)), b)`:
        a binary ufunc's outer (its result's shape a's then b's) as the ufunc of a broadcast against b,
        differentiated by the ufunc's rule. Each operand is read twice, so one that calls a function
        (keyed.call_free) is refused."""
        ufunc = resolve(node.func.value, self.parsed, self.local_names)
        if not isinstance(ufunc, np.ufunc) or (ufunc.nin, ufunc.nout) != (2, 1) or len(node.args) != 2 or node.keywords:
            return node
        if not all(call_free(a) for a in node.args):
            name = ufunc.__name__
            message = (f"`{name}.outer` is differentiated as `{name}` of its operands broadcast, which reads each "
                       "twice: assign an operand that calls a function to a name first")
            raise UnsupportedSyntaxError("ufunc.outer", message, self.parsed.info.location(node))
        a, b = node.args
        numpy = nodes.name(self.numpy_name)
        ones = gast.BinOp(left=nodes.tuple_of([nodes.constant(1)]), op=gast.Mult(),
                          right=nodes.call(nodes.attribute(numpy, "ndim"), [nodes.clone(b)]))
        shape = gast.BinOp(left=nodes.call(nodes.attribute(nodes.clone(numpy), "shape"), [nodes.clone(a)]),
                           op=gast.Add(), right=ones)
        widened = nodes.call(nodes.attribute(nodes.clone(numpy), "reshape"), [a, shape])
        return nodes.copy_location(gast.Call(func=node.func.value, args=[widened, b], keywords=[]), node)
