"""Soundness cases for writes in place into memory from outside the function, through a local name.

A global array (or one a global list, dict, object or module holds, or a closure cell) is memory
the function did not make. A local name may reach it through a called function that returns it
(a getter, a function returning its argument, a view, an item, a method returning `self.w`),
through a tuple or list literal holding it, or through a view of it. A write through such a name
changes the global: the derivative would restore or skip the change, and reads of the global
before or after it see other values than Python's. Each is refused at its line (for `c += v`,
where the kind of c is not known when the derivative is generated, when it runs). A copy
(`W.copy()`), a read alone, or a new list of global arrays that only gets appended to stays
exact. Every refused case below but `written_through_a_pair`, `written_through_a_tuple_literal`,
`written_through_a_list_literal` (refused before for another reason) and
`written_through_a_module_attribute` gave a wrong gradient (or, for the constant writes, left
the global other than Python does) before "from outside" was decided from the sharing
analysis's memory roots instead of from the syntax of the name's bindings. A write into a global
by its own name is refused where a local name that may hold memory from outside is read (one
object may have several global names: `SETTINGS.w is W`). A builtin other than those that make
numbers or new containers (getattr, vars) may return what it is given, and `dict(d)` holds d's
values: writes through them into an argument's memory were missed too. A recursive function's
calls of itself are taken to return what its arguments hold until its facts say more. A called
function (a method of a global object too) that writes through such a name tells its callers it
changes some object from outside: a caller reading memory from outside is refused at the call.
"""
from __future__ import annotations

import types

import numpy as np

from adjoint import AdjointError
from soundness import Exact, Refused

W = np.array([1.0, 2.0, 3.0])
M = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
ROWS = [np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])]
TABLE = {"w": np.array([1.0, 2.0, 3.0])}
CONFIG = types.SimpleNamespace(w=np.array([1.0, 2.0, 3.0]))
SETTINGS = types.ModuleType("settings")
SETTINGS.w = np.array([1.0, 2.0, 3.0])
FILLED = np.array([1.0, 2.0, 3.0])  # written to 2.0 by `constant_copied_into_a_global`, read by nothing else
STAMPS = np.zeros(2)  # written to 1.0 by `stamp`, read by nothing differentiated
SHARED = np.array([1.0, 2.0, 3.0])  # one object under several global names
SHARED_SETTINGS = types.ModuleType("shared_settings")
SHARED_SETTINGS.w = SHARED
SHARED_CONFIG = types.SimpleNamespace(w=SHARED)
SHARED_ROWS = [SHARED, SHARED * 2.0]


class Model:
    def __init__(self):
        self.w = np.array([1.0, 2.0, 3.0])

    def weights(self):
        return self.w

    def itself(self):
        return self


class Setter:
    def __init__(self):
        self.w = W

    def put(self, v):
        self.w[0] = v
        return v

    def put_through_a_name(self, v):
        a = self.w
        a[0] = v
        return v


MODEL = Model()
SETTER = Setter()


def weights():
    return W


def weights_again():
    return weights()


def same(v):
    return v


def configured():
    return CONFIG.w


def first_row():
    return ROWS[0]


def transposed():
    return M.T


def tail():
    return W[1:]


def reshaped():
    return W.reshape(3)


def from_table():
    return TABLE["w"]


def pair():
    return W, 1.0


def globals_in_a_new_list():
    return [W, M[0]]


def copies_in_a_new_list():
    return [W.copy(), M[0].copy()]


def filled():
    return FILLED


def attribute_of(p):
    return p.w


def recursive_weights(n):
    if n == 0:
        return W
    return recursive_weights(n - 1)


def even_weights(n):
    if n == 0:
        return W
    return odd_weights(n - 1)


def odd_weights(n):
    if n == 0:
        return np.zeros(3)
    return even_weights(n - 1)


def put_through_a_getter(v):
    a = weights()
    a[0] = v
    return v


def stamp():
    a = stamps()
    a[0] = 1.0


def stamps():
    return STAMPS


def set_first(a, v):
    a[0] = v


def _closure_getter():
    cell = W

    def held():
        return cell

    def written_through_a_closure_getter(x):
        a = held()
        a[1] = x[0]  # <- closure-getter
        return np.sum(W * x)

    return written_through_a_closure_getter


# ----- refused: a write through a name that may reach a global ------------------------------

def written_through_a_getter(x):
    a = weights()
    a[0] = x[0]  # <- getter
    return np.sum(W * x)


def constant_written_through_a_getter_after_a_read(x):
    y = W * x
    a = weights()
    a[0] = 5.0  # <- getter-after-read
    return np.sum(y * W)


def written_through_a_getter_of_a_getter(x):
    a = weights_again()
    a[0] = x[0]  # <- getter-of-getter
    return np.sum(W * x)


def written_through_an_identity(x):
    a = same(W)
    a[1] = x[1]  # <- identity
    return np.sum(W * x)


def written_through_an_attribute_getter(x):
    a = configured()
    a[0] = x[0]  # <- attribute-getter
    return np.sum(CONFIG.w * x)


def written_through_a_list_item_getter(x):
    a = first_row()
    a[0] = x[0]  # <- list-item-getter
    return np.sum(ROWS[0] * x)


def written_through_a_transposed_view(x):
    a = transposed()
    a[0, 0] = x[0]  # <- transposed-view
    return np.sum(M[:, 0] * x[:2])


def written_through_a_slice_view(x):
    a = tail()
    a[0] = x[0]  # <- slice-view
    return np.sum(W * x)


def written_through_a_reshaped_view(x):
    a = reshaped()
    a[0] = x[0]  # <- reshaped-view
    return np.sum(W * x)


def written_through_a_dict_value_getter(x):
    a = from_table()
    a[0] = x[0]  # <- dict-value-getter
    return np.sum(TABLE["w"] * x)


def written_through_a_method(x):
    a = MODEL.weights()
    a[0] = x[0]  # <- method
    return np.sum(MODEL.w * x)


def written_through_a_method_returning_self(x):
    m = MODEL.itself()
    a = m.w
    a[0] = x[0]  # <- method-self
    return np.sum(MODEL.w * x)


def written_through_a_pair(x):
    a, s = pair()
    a[0] = x[0]  # <- pair
    return np.sum(W * x) * s


def written_through_a_tuple_literal(x):
    t = (W, x)
    t[0][0] = x[1]  # <- tuple-literal
    return np.sum(W * x)


def written_through_a_list_literal(x):
    t = [W, x]
    u = t[0]
    u[0] = x[1]  # <- list-literal
    return np.sum(W * x)


def written_through_an_appended_global(x):
    ws = []
    ws.append(W)
    v = ws[0]
    v[1] = x[0]  # <- appended-global
    return np.sum(W * x)


def item_of_a_new_list_of_globals_written(x):
    ps = globals_in_a_new_list()
    p = ps[0]
    p[0] = x[0]  # <- new-list-item
    return np.sum(W * x)


def written_through_a_module_attribute(x):
    a = SETTINGS.w
    a[0] = x[0]  # <- module-attribute
    return np.sum(SETTINGS.w * x)


def added_through_a_getter(x):
    a = weights()
    a += x  # <- added-through-getter
    return np.sum(W * x)


def constant_added_through_a_getter(x):
    a = weights()
    a += 1.0  # <- constant-added-through-getter
    return np.sum(W * x)


def all_written_through_a_getter(x):
    a = weights()
    a[...] = x  # <- ellipsis
    return np.sum(W * x)


def copied_into_a_getter_result_after_a_read(x):
    y = W * x
    a = weights()
    np.copyto(a, 2.0)  # <- copyto-after-read
    return np.sum(W * x) + np.sum(y)


def ufunc_out_into_a_getter_result_after_a_read(x):
    y = W * x
    a = weights()
    np.multiply(M[0], 2.0, out=a)  # <- out-after-read
    return np.sum(W * y)


def scattered_through_a_getter(x):
    a = weights()
    np.add.at(a, [0, 0], x[0])  # <- add-at
    return np.sum(W * x)


def copied_into_a_global_after_a_read(x):
    y = W * x
    np.copyto(W, 2.0)  # <- global-copyto
    return np.sum(W * y)


def ufunc_out_into_a_global_after_a_read(x):
    y = W * x
    np.multiply(M[0], 2.0, out=W)  # <- global-out
    return np.sum(W * y)


def ufunc_output_by_position_into_a_global_after_a_read(x):
    y = W * x
    np.negative(W, W)  # <- global-positional-out
    return np.sum(W * y)


def callee_writes_into_a_getter_result(x):
    a = weights()
    set_first(a, x[0])  # <- callee-writes-getter-result
    return np.sum(W * x)


def callee_writes_a_constant_into_a_getter_result(x):
    y = W * x
    a = weights()
    set_first(a, 2.0)  # <- callee-writes-constant
    return np.sum(W * y)


def written_through_a_getter_in_a_loop(x):
    s = 0.0
    for i in range(2):
        a = weights()
        s = s + np.sum(a * x)
        a[i] = x[i]  # <- loop
    return s + np.sum(W * x)


def written_through_a_getter_in_one_branch(x):
    if x[0] > 0:
        a = weights()
    else:
        a = x * 1.0
    a[0] = x[1]  # <- branch
    return np.sum(W * x)


def written_through_max_of_globals(x):
    a = max(ROWS, key=len)
    a[0] = x[0]  # <- max
    return np.sum(ROWS[0] * x)


def global_written_after_a_read_through_a_module(x):
    y = SHARED_SETTINGS.w * x
    SHARED[0] = 2.0  # <- module-alias
    return np.sum(y)


def global_written_after_a_read_through_an_attribute(x):
    y = SHARED_CONFIG.w * x
    SHARED[0] = 2.0  # <- attribute-alias
    return np.sum(y)


def global_written_after_a_read_through_a_list(x):
    y = SHARED_ROWS[0] * x
    SHARED[0] = 2.0  # <- list-alias
    return np.sum(y)


def written_through_a_getter_given_a_global(x):
    a = attribute_of(CONFIG)
    a[0] = x[0]  # <- getter-given-a-global
    return np.sum(CONFIG.w * x)


def written_through_a_default(x, w=W):
    w[0] = x[0]  # <- default
    return np.sum(w * x) + np.sum(W * x)


def written_through_a_local_getter(x):
    def take():
        return W

    a = take()
    a[0] = x[0]  # <- local-getter
    return np.sum(W * x)


def written_through_a_lambda(x):
    take = lambda: W  # noqa: E731
    a = take()
    a[0] = x[0]  # <- lambda
    return np.sum(W * x)


def written_through_a_comprehension(x):
    ws = [w for w in [W, M[0]]]
    v = ws[0]
    v[0] = x[0]  # <- comprehension
    return np.sum(W * x)


def written_through_zip(x):
    for w, s in zip([W], [1.0]):
        w[0] = x[0] * s  # <- zip
    return np.sum(W * x)


def written_through_enumerate(x):
    for i, w in enumerate([W]):
        w[i] = x[0]  # <- enumerate
    return np.sum(W * x)


def written_through_a_getter_in_a_while_loop(x):
    i = 0
    while i < 2:
        a = attribute_of(CONFIG)
        a[i] = x[i]  # <- while
        i = i + 1
    return np.sum(CONFIG.w * x)


def written_through_getattr(x):
    a = getattr(CONFIG, "w")
    a[0] = x[0]  # <- getattr
    return np.sum(CONFIG.w * x)


def written_through_vars(x):
    a = vars(CONFIG)["w"]
    a[0] = x[0]  # <- vars
    return np.sum(CONFIG.w * x)


def written_through_a_dict_copy(x):
    d = dict(TABLE)
    a = d["w"]
    a[0] = x[0]  # <- dict-copy
    return np.sum(TABLE["w"] * x)


def argument_written_through_a_dict_copy(p, x):
    d = dict(p)
    a = d["w"]
    a[0] = x[0]  # <- argument-dict-copy
    return np.sum(p["w"] * x)


def argument_written_through_getattr(p, x):
    a = getattr(p, "w")
    a[0] = x[0]  # <- argument-getattr
    return np.sum(p.w * x)


def written_through_a_recursive_getter(x):
    a = recursive_weights(2)
    a[0] = x[0]  # <- recursive-getter
    return np.sum(W * x)


def written_through_mutually_recursive_getters(x):
    a = odd_weights(3)
    a[1] = x[0]  # <- mutually-recursive-getters
    return np.sum(W * x)


def callee_writes_through_a_getter(x):
    put_through_a_getter(x[0])  # <- callee-writes-through-getter
    return np.sum(W * x)


def method_writes_into_its_object(x):
    SETTER.put(x[0])  # <- method-writes-self
    return np.sum(W * x)


def method_writes_through_a_name(x):
    SETTER.put_through_a_name(x[0])  # <- method-writes-through-name
    return np.sum(W * x)


def method_writes_a_constant_after_a_read(x):
    y = W * x
    SETTER.put(2.0)  # <- method-writes-constant
    return np.sum(y * W)


# ----- exact ----------------------------------------------------------------------------

def getter_read(x):
    a = weights()
    return np.sum(a * x) + np.sum(transposed() @ x[:2])


def copy_of_a_getter_result_written(x):
    a = weights().copy()
    a[0] = x[0]
    return np.sum(a * x) + np.sum(W * x)


def copy_of_a_global_written(x):
    a = W.copy()
    a[0] = 0.0
    b = M.astype(float)
    b[1, 1] = 0.0
    return np.sum(a * x) + np.sum(b @ x) + np.sum(W * x)


def identity_of_a_local_written(x):
    y = x * 2.0
    a = same(y)
    a[1] = 3.0
    return np.sum(a * x)


def getter_result_rebound_then_written(x):
    a = weights()
    a = a * 1.0
    a[0] = x[1]
    return np.sum(a * x) + np.sum(W * x)


def new_list_of_globals_appended_to(x):
    ps = globals_in_a_new_list()
    ps.append(x * 2.0)
    ps[1] = x * 3.0
    return np.sum(ps[0] * x) + np.sum(ps[1] * x) + np.sum(ps[2] * x)


def copies_from_a_callee_written(x):
    ps = copies_in_a_new_list()
    p = ps[0]
    p[0] = x[0]
    return np.sum(p * x) + np.sum(W * x)


def constant_copied_into_a_global(x):
    a = filled()
    np.copyto(a, 2.0)
    return np.sum(FILLED * x)


def callee_stamps_a_global(x):
    stamp()
    return np.sum(x * x)


def _vector(rng):
    return (rng.normal(size=3),)


_X = (np.array([0.5, 1.5, -1.0]),)


def _refused(fn, marker):
    return Refused(fn, _X, AdjointError, marker)


CASES = [
    _refused(written_through_a_getter, "getter"),
    _refused(constant_written_through_a_getter_after_a_read, "getter-after-read"),
    _refused(written_through_a_getter_of_a_getter, "getter-of-getter"),
    _refused(written_through_an_identity, "identity"),
    _refused(written_through_an_attribute_getter, "attribute-getter"),
    _refused(written_through_a_list_item_getter, "list-item-getter"),
    _refused(written_through_a_transposed_view, "transposed-view"),
    _refused(written_through_a_slice_view, "slice-view"),
    _refused(written_through_a_reshaped_view, "reshaped-view"),
    _refused(written_through_a_dict_value_getter, "dict-value-getter"),
    _refused(written_through_a_method, "method"),
    _refused(written_through_a_method_returning_self, "method-self"),
    _refused(written_through_a_pair, "pair"),
    _refused(written_through_a_tuple_literal, "tuple-literal"),
    _refused(written_through_a_list_literal, "list-literal"),
    _refused(written_through_an_appended_global, "appended-global"),
    _refused(item_of_a_new_list_of_globals_written, "new-list-item"),
    _refused(written_through_a_module_attribute, "module-attribute"),
    _refused(_closure_getter(), "closure-getter"),
    _refused(added_through_a_getter, "added-through-getter"),
    _refused(constant_added_through_a_getter, "constant-added-through-getter"),
    _refused(all_written_through_a_getter, "ellipsis"),
    _refused(copied_into_a_getter_result_after_a_read, "copyto-after-read"),
    _refused(ufunc_out_into_a_getter_result_after_a_read, "out-after-read"),
    _refused(scattered_through_a_getter, "add-at"),
    _refused(copied_into_a_global_after_a_read, "global-copyto"),
    _refused(ufunc_out_into_a_global_after_a_read, "global-out"),
    _refused(ufunc_output_by_position_into_a_global_after_a_read, "global-positional-out"),
    _refused(callee_writes_into_a_getter_result, "callee-writes-getter-result"),
    _refused(callee_writes_a_constant_into_a_getter_result, "callee-writes-constant"),
    _refused(written_through_a_getter_in_a_loop, "loop"),
    _refused(written_through_a_getter_in_one_branch, "branch"),
    _refused(written_through_max_of_globals, "max"),
    _refused(global_written_after_a_read_through_a_module, "module-alias"),
    _refused(global_written_after_a_read_through_an_attribute, "attribute-alias"),
    _refused(global_written_after_a_read_through_a_list, "list-alias"),
    _refused(written_through_a_getter_given_a_global, "getter-given-a-global"),
    _refused(written_through_a_default, "default"),
    _refused(written_through_a_local_getter, "local-getter"),
    _refused(written_through_a_lambda, "lambda"),
    _refused(written_through_a_comprehension, "comprehension"),
    _refused(written_through_zip, "zip"),
    _refused(written_through_enumerate, "enumerate"),
    _refused(written_through_a_getter_in_a_while_loop, "while"),
    _refused(callee_writes_through_a_getter, "callee-writes-through-getter"),
    _refused(method_writes_into_its_object, "method-writes-self"),
    _refused(method_writes_through_a_name, "method-writes-through-name"),
    _refused(method_writes_a_constant_after_a_read, "method-writes-constant"),
    _refused(written_through_a_recursive_getter, "recursive-getter"),
    _refused(written_through_mutually_recursive_getters, "mutually-recursive-getters"),
    _refused(written_through_getattr, "getattr"),
    _refused(written_through_vars, "vars"),
    _refused(written_through_a_dict_copy, "dict-copy"),
    Refused(argument_written_through_a_dict_copy, ({"w": np.array([1.0, 2.0, 3.0])}, _X[0]), AdjointError,
            "argument-dict-copy", wrt=1),
    Refused(argument_written_through_getattr, (types.SimpleNamespace(w=np.array([1.0, 2.0, 3.0])), _X[0]),
            AdjointError, "argument-getattr", wrt=1),
    Exact(getter_read, _vector),
    Exact(copy_of_a_getter_result_written, _vector),
    Exact(copy_of_a_global_written, _vector),
    Exact(identity_of_a_local_written, _vector),
    Exact(getter_result_rebound_then_written, _vector),
    Exact(new_list_of_globals_appended_to, _vector),
    Exact(copies_from_a_callee_written, _vector),
    Exact(constant_copied_into_a_global, _vector),
    Exact(callee_stamps_a_global, _vector),
]
