"""The cached call's choice of generated function by argument types (backend/dispatch.py)."""
from __future__ import annotations

import inspect
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import adjoint
from adjoint.backend import dispatch
from adjoint.backend.dispatch import GRAD_TAIL, MAX_WRITTEN, CachedCall, picker
from adjoint.errors import NonScalarOutputError
from adjoint.rules.table import Revision

import soundness_dispatch


@pytest.fixture(autouse=True)
def written_at_once(monkeypatch):
    """The picker and the cached call written as soon as there is code for a call's types (the
    tests of the deferral itself set their own count)."""
    monkeypatch.setattr(dispatch, "WRITE_AFTER_CALLS", 0)


def first(*args):
    return "first"


def second(*args):
    return "second"


def test_the_picker_gives_the_function_for_exactly_these_types():
    pick = picker({(float, float): first, (np.ndarray, float): second, (): second})
    assert pick((1.0, 2.0)) is first
    assert pick((np.ones(2), 2.0)) is second
    assert pick(()) is second
    assert pick((1.0,)) is None
    assert pick((1, 2.0)) is None  # an int is not a float
    assert pick((np.float64(1.0), 2.0)) is None  # nor a subclass of float
    assert pick((1.0, 2.0, 3.0)) is None


def test_keys_that_are_not_type_tuples_are_left_to_the_slow_path():
    pick = picker({((float,), (("g", 1),)): first})
    assert pick((1.0,)) is None


def test_many_type_tuples_are_looked_up_in_the_table():
    table = {(float,) * n: first for n in range(MAX_WRITTEN + 2)}
    pick = picker(table)
    assert pick((1.0,) * 3) is first
    assert pick((1,)) is None


def test_grad_chooses_the_code_for_each_argument_type():
    def f(x, y):
        return np.sum(x * y)

    gradient = adjoint.grad(f, wrt=(0, 1))
    assert gradient(2.0, 3.0) == (3.0, 2.0)
    assert np.allclose(gradient(np.ones(2), 3.0)[0], [3.0, 3.0])
    assert gradient(2.0, 3.0) == (3.0, 2.0)
    assert gradient(2, 3.0) == (3.0, 2.0)
    assert type(gradient(2, 3.0)[0]) is float


def test_the_cached_call_is_written_as_one_function_and_agrees_with_the_general_path():
    def f(x, y):
        return x * x * y

    gradient = adjoint.grad(f, wrt=(0, 1))
    general = gradient.__wrapped__
    assert gradient(2.0, 3.0) == (12.0, 4.0)
    assert gradient.__call__ is not general  # the types seen: one function, no picker call
    assert gradient(2.0, 3.0) == general(2.0, 3.0) == (12.0, 4.0)
    assert gradient(2, 3.0) == (12.0, 4.0)  # other types: the general path, then written too
    assert gradient(x=2.0, y=3.0) == (12.0, 4.0)  # keywords: the general path
    single = adjoint.grad(f, wrt=(0,))
    assert single(2.0, 3.0) == (12.0,) == single(2.0, 3.0)
    both = adjoint.value_and_grad(f)
    assert both(2.0, 3.0) == (12.0, 12.0) == both(2.0, 3.0)


def test_the_written_cached_call_raises_what_the_general_path_raises():
    def f(x):
        return np.array([x, x])

    gradient = adjoint.grad(f)
    for _ in range(2):  # the second call runs the written function
        with pytest.raises(NonScalarOutputError, match="grad of .*f"):
            gradient(2.0)
    assert gradient.__call__ is not gradient.__wrapped__
    both = adjoint.value_and_grad(f)
    for _ in range(2):
        with pytest.raises(NonScalarOutputError, match="value_and_grad of .*f"):
            both(2.0)
    assert both.__call__ is not both.__wrapped__


def test_the_written_cached_call_steps_aside_when_the_rules_change():
    from adjoint.rules.table import Revision

    def f(x):
        return x * x

    gradient = adjoint.grad(f)
    assert gradient(3.0) == 6.0
    written = gradient.__call__
    Revision.bump()
    assert gradient(3.0) == 6.0  # generated again, through the general path
    assert gradient.__call__ is not written


@pytest.mark.parametrize("later", [1, 3])
def test_the_cached_call_is_written_after_the_calls_it_waits_for(monkeypatch, later):
    monkeypatch.setattr(dispatch, "WRITE_AFTER_CALLS", later)

    def f(x, y):
        return x * x * y

    gradient, both = adjoint.grad(f, wrt=(0, 1)), adjoint.value_and_grad(f)
    for calls in range(1, later + 3):  # the first call generates; `later` more through the general path
        assert gradient(2.0, 3.0) == (12.0, 4.0)
        assert both(2.0, 3.0) == (12.0, 12.0)
        written = calls > later
        assert (gradient.__call__ is not gradient.__wrapped__) == written
        assert (both.__call__ is not both.__wrapped__) == written
    assert gradient(2, 3.0) == (12.0, 4.0)  # new types: generated, and the general path again
    assert gradient.__call__ is gradient.__wrapped__
    for _ in range(later):
        assert gradient(2.0, 3.0) == (12.0, 4.0) and gradient(2, 3.0) == (12.0, 4.0)
    assert gradient.__call__ is not gradient.__wrapped__  # written for both type tuples
    assert gradient(2, 3.0) == gradient(2.0, 3.0) == (12.0, 4.0)


def test_a_derived_function_called_a_few_times_writes_no_cached_call():
    def f(x):
        return x * x

    gradient = adjoint.grad(f)
    called = [gradient(float(k)) for k in range(dispatch.WRITE_AFTER_CALLS)]
    assert called == [2.0 * k for k in range(dispatch.WRITE_AFTER_CALLS)]
    assert gradient.__call__ is gradient.__wrapped__
    assert gradient(4.0) == 8.0 and gradient.__call__ is not gradient.__wrapped__


def test_the_rules_changing_before_the_cached_call_is_written(monkeypatch):
    monkeypatch.setattr(dispatch, "WRITE_AFTER_CALLS", 2)

    def f(x):
        return x * x

    gradient = adjoint.grad(f)
    assert gradient(3.0) == 6.0 and gradient(3.0) == 6.0
    Revision.bump()
    assert gradient(3.0) == 6.0  # generated again: the count starts again
    assert gradient.__call__ is gradient.__wrapped__
    assert gradient(3.0) == 6.0 and gradient(3.0) == 6.0
    assert gradient.__call__ is not gradient.__wrapped__


def scaled(x, y, k=2.0):
    return k * x * x * y


def test_the_written_cached_call_follows_new_argument_types():
    gradient = adjoint.grad(scaled, wrt=(0, 1))
    both = adjoint.value_and_grad(scaled, wrt=(0, 1))
    kinds = [(2.0, 3.0), (np.float64(2.0), 3.0), (2, 3), (2.0, np.float64(3.0)), (2, 3.0)]
    for seen in range(1, len(kinds) + 1):
        for x, y in kinds[:seen] * 2:  # once through the general path, then the call written for it
            assert gradient(x, y) == (24.0, 8.0) == gradient.__wrapped__(x, y)
            assert [type(d) for d in gradient(x, y)] == [type(d) for d in gradient.__wrapped__(x, y)]
            assert both(x, y) == (24.0, (24.0, 8.0)) == both.__wrapped__(x, y)
        written = seen <= MAX_WRITTEN  # more type tuples: the general path alone
        assert (gradient.__call__ is not gradient.__wrapped__) == written
        assert (both.__call__ is not both.__wrapped__) == written
    squares = adjoint.grad(lambda v: np.sum(v * v))
    for v in [np.array([1.0, 2.0]), 3.0, np.array([[1.0], [2.0]]), 3.0, np.array([1.0, 2.0]), 3]:
        np.testing.assert_array_equal(squares(v), 2.0 * np.asarray(v))
    assert squares.__call__ is not squares.__wrapped__


def test_the_written_cached_call_takes_keywords_and_defaults():
    gradient = adjoint.grad(scaled, wrt=(0, 1))
    for _ in range(2):
        assert gradient(2.0, 3.0) == (24.0, 8.0)
        assert gradient(2.0, 3.0, 1.0) == (12.0, 4.0)
        assert gradient(2.0, 3.0, k=1.0) == (12.0, 4.0)
        assert gradient(2.0, y=3.0) == (24.0, 8.0)
        assert gradient(x=2.0, y=3.0, k=1.0) == (12.0, 4.0)
        assert gradient(k=1.0, y=3.0, x=2.0) == (12.0, 4.0)
    assert gradient.__call__ is not gradient.__wrapped__


@pytest.mark.parametrize("transform", [adjoint.grad, adjoint.value_and_grad])
def test_the_written_cached_call_refuses_wrong_calls_as_the_general_path_does(transform):
    gradient = transform(scaled)
    gradient(2.0, 3.0)
    gradient(2.0, 3.0, 1.0)
    assert gradient.__call__ is not gradient.__wrapped__
    wrong = [(), (2.0,), (2.0, 3.0, 1.0, 4.0), (2.0, 3.0, 1.0, 4.0, 5.0)]
    wrong_keywords = [((2.0,), {"x": 1.0}), ((2.0, 3.0), {"z": 1.0}), ((), {"y": 3.0}),
                      ((2.0, 3.0, 1.0), {"k": 1.0}), ((2.0, 3.0), {"x": 1.0, "y": 1.0})]
    for args, kwargs in [(args, {}) for args in wrong] + wrong_keywords:
        with pytest.raises(TypeError) as written:
            gradient(*args, **kwargs)
        with pytest.raises(TypeError) as general:
            gradient.__wrapped__(*args, **kwargs)
        assert str(written.value) == str(general.value) and str(written.value)
        with pytest.raises(TypeError) as plain:
            inspect.signature(scaled).bind(*args, **kwargs)
        assert str(written.value) == str(plain.value)


def test_the_written_cached_call_of_a_function_without_parameters():
    def constant():
        return 1.0

    def first_of(x, *rest):
        return x * x

    gradient = adjoint.grad(first_of)
    for _ in range(2):
        assert gradient(3.0) == 6.0
        assert gradient(3.0, 1.0) == 6.0
        assert gradient(3.0, 1.0, 2.0) == 6.0
    written = CachedCall(lambda *args, **kwargs: "general", GRAD_TAIL.format(returned="result", call="{call}"),
                         {}, Revision)
    call = written.written({(): constant})
    assert call() == 1.0
    assert call(1.0) == "general" and call(k=1.0) == "general"


def test_threads_calling_while_new_types_are_written():
    gradient = adjoint.grad(scaled, wrt=(0, 1))
    kinds = [(2.0, 3.0), (2, 3.0), (np.float64(2.0), 3.0), (2.0, 3), (2, 3), (np.float32(2.0), 3.0)]

    def calls(i):
        return [gradient(*kinds[(i + j) % len(kinds)]) for j in range(200)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        for results in pool.map(calls, range(8)):
            assert all(result == (24.0, 8.0) for result in results)


def test_loading_library_rules_keeps_the_written_cached_call():
    def f(x):
        return x * x

    gradient = adjoint.grad(f)
    gradient(3.0)
    written = gradient.__call__
    with Revision.kept():
        Revision.bump()
    assert gradient.__call__ is written and gradient(3.0) == 6.0


def shifted(x):
    return x + 1.0


def uses_shifted(x):
    return shifted(x) * 2.0


def test_a_rule_registered_between_calls_is_used_by_the_next_call():
    gradient = adjoint.grad(uses_shifted)
    assert gradient(3.0) == 2.0
    assert gradient(3.0) == 2.0  # the written call
    with adjoint.rules.ADJOINTS.scoped():

        @adjoint.register_adjoint(shifted)
        def _(result, x):
            d[x] = d[result] * 10.0  # noqa: F821 (a deliberately different rule, to see that it is used)

        assert gradient(3.0) == 20.0
        assert gradient(3.0) == 20.0
    assert gradient(3.0) == 2.0
    assert gradient(3.0) == 2.0


def outcome(call):
    """What a call gives: its value, or the type and message of what it raises."""
    try:
        return "value", call()
    except Exception as error:  # the outcome compared, whatever it is
        return type(error).__name__, str(error)


def same(a, b) -> bool:
    if a[0] != "value" or b[0] != "value":
        return a == b
    left, right = a[1], b[1]
    if isinstance(left, tuple) and isinstance(right, tuple):
        return len(left) == len(right) and all(same(("value", x), ("value", y)) for x, y in zip(left, right))
    return type(left) is type(right) and np.shape(left) == np.shape(right) and np.array_equal(left, right)


CALLS = [  # (function, transform's wrt, [(args, kwargs), ...]) called in this order on one derived function
    (soundness_dispatch.first_row_then_write, 0,
     [((np.array([1.0, 2.0]),), {}), ((np.array([[1.0, 2.0], [3.0, 4.0]]),), {}), ((np.array([1.0, 2.0]),), {})]),
    (soundness_dispatch.first_row_then_write_beside, 0,  # keywords in either order: ranks go with their names
     [((), {"x": np.array([1.0, 2.0]), "z": np.ones((2, 2))}), ((), {"z": np.array([1.0, 2.0]), "x": np.ones((2, 2))})]),
    (soundness_dispatch.scaled_sum, (0, 1),
     [((2.0,), {"y": 3.0}), ((2.0,), {"y": np.array([1.0, 2.0])}), ((2.0,), {"y": np.ones((2, 2))}),
      ((2.0, np.array([1.0, 2.0])), {}), ((2.0, np.ones((2, 2))), {}), ((2.0,), {"y": 3.0})]),
    (soundness_dispatch.scaled_sum, 0,
     [((np.float64(2.0), 3.0), {}), ((2.0, 3.0), {}), ((2, 3), {}), ((2.0,), {"y": 3}), ((2.0,), {"y": 3.0})]),
]


@pytest.mark.parametrize("transform", [adjoint.grad, adjoint.value_and_grad, adjoint.vjp, adjoint.jvp])
@pytest.mark.parametrize("fn, wrt, calls", CALLS, ids=[f"{fn.__name__}-{wrt}" for fn, wrt, _ in CALLS])
def test_a_call_gets_the_code_for_its_own_kinds_whatever_came_before(transform, fn, wrt, calls):
    shared = transform(fn, wrt=wrt)
    for args, kwargs in calls * 2:  # the second round meets every kind already seen
        if transform is adjoint.vjp:
            def through(derived):
                value, pullback = derived(*args, **kwargs)
                return value, pullback(1.0)
        elif transform is adjoint.jvp:
            if kwargs or isinstance(wrt, tuple) and len(wrt) > 1:
                continue
            tangents = (np.ones_like(args[0]),)

            def through(derived):
                return derived(*args, *tangents, **kwargs)
        else:
            def through(derived):
                return derived(*args, **kwargs)
        mine, fresh = outcome(lambda: through(shared)), outcome(lambda: through(transform(fn, wrt=wrt)))
        assert same(mine, fresh), (args, kwargs, mine, fresh)


# ----- the cached call written into a copy of the generated function (backend/inlined.py) -----

def product(x, y):
    return x * x * y


def named_like_the_call(result, value, rest, kwargs, error):
    return result * value * rest * kwargs * error


def branches(x):
    if x > 0.0:
        return x * x
    return -x * 3.0


def root(x):
    return x ** 0.5


def divided(x):
    return 1.0 / x


def is_copied(derived) -> bool:
    """The derived function runs a copy of its generated function: one frame, the same lines."""
    code = derived.__call__.__code__
    return code.co_filename.startswith("<adjoint ") and code.co_name == derived.__name__


@pytest.mark.parametrize("transform", [adjoint.grad, adjoint.value_and_grad])
def test_the_cached_call_runs_in_a_copy_of_the_generated_function(transform):
    derived = transform(product, wrt=(0, 1))
    first = derived(2.0, 3.0)
    assert is_copied(derived)
    assert derived(2.0, 3.0) == first == derived.__wrapped__(2.0, 3.0)
    assert "_call_" not in adjoint.source(product, wrt=(0, 1), args=(2.0, 3.0))  # users see the generated code


@pytest.mark.parametrize("transform", [adjoint.grad, adjoint.value_and_grad])
def test_the_copied_cached_call_refuses_wrong_calls_as_the_users_function_does(transform):
    """Its parameters are the user's function's: a call that cannot bind raises Python's TypeError
    for that function, under the derived function's name."""
    derived = transform(product)
    derived(2.0, 3.0)
    assert is_copied(derived)
    wrong = [((), {}), ((2.0,), {}), ((2.0, 3.0, 1.0), {}), ((2.0,), {"x": 1.0}), ((2.0, 3.0), {"z": 1.0}),
             ((), {"y": 3.0}), ((2.0, 3.0), {"x": 1.0, "y": 1.0})]
    for args, kwargs in wrong:
        with pytest.raises(TypeError) as written:
            derived(*args, **kwargs)
        with pytest.raises(TypeError) as plain:
            product(*args, **kwargs)
        assert str(written.value) == str(plain.value).replace("product()", f"{derived.__name__}()")
    assert derived(2.0, y=3.0) == derived(y=3.0, x=2.0) == derived(2.0, 3.0)
    assert is_copied(derived)


def test_the_copied_cached_call_keeps_the_functions_names_apart_from_its_own():
    derived = adjoint.value_and_grad(named_like_the_call, wrt=(0, 1, 2, 3, 4))
    expected = (120.0, (120.0, 60.0, 40.0, 30.0, 24.0))
    assert derived(1.0, 2.0, 3.0, 4.0, 5.0) == expected
    assert derived(1.0, 2.0, 3.0, 4.0, 5.0) == expected and is_copied(derived)
    assert derived(1.0, 2.0, 3.0, 4.0, error=5.0) == expected
    assert derived(kwargs=4.0, rest=3.0, value=2.0, result=1.0, error=5.0) == expected
    with pytest.raises(TypeError) as written:
        derived(1.0, 2.0, 3.0, 4.0, 5.0, result=1.0)
    assert str(written.value) == f"{derived.__name__}() got multiple values for argument 'result'"


def test_each_return_of_the_copy_looks_at_what_it_returns():
    gradient = adjoint.grad(branches)
    both = adjoint.value_and_grad(branches)
    for x in [2.0, -2.0, 2.0, -2.0]:
        assert gradient(x) == (4.0 if x > 0 else -3.0)
        assert both(x) == ((4.0, 4.0) if x > 0 else (6.0, -3.0))
    assert is_copied(gradient) and is_copied(both)


@pytest.mark.parametrize("transform", [adjoint.grad, adjoint.value_and_grad])
def test_the_copy_refuses_a_complex_gradient(transform):
    derived = transform(root)
    assert transform(root)(4.0) == derived(4.0)
    assert is_copied(derived)
    with pytest.raises(adjoint.AdjointError, match="complex"):
        derived(-4.0)


def test_an_error_in_the_copy_points_at_the_generated_line():
    gradient = adjoint.grad(divided)
    gradient(2.0)
    assert is_copied(gradient)
    with pytest.raises(ZeroDivisionError) as raised:
        gradient(0.0)
    frame = raised.traceback[-1]
    assert frame.path == gradient.__call__.__code__.co_filename  # the generated function's text
    assert "/" in str(frame.statement)


def test_the_copy_beside_other_argument_types():
    gradient = adjoint.grad(product, wrt=(0, 1))
    kinds = [(2.0, 3.0), (2, 3.0), (np.float64(2.0), 3), (2.0, np.float32(3.0))]
    for x, y in kinds * 2:
        assert gradient(x, y) == (12.0, 4.0) == gradient.__wrapped__(x, y)
        assert [type(d) for d in gradient(x, y)] == [type(d) for d in gradient.__wrapped__(x, y)]
    assert is_copied(gradient)


def test_the_copy_pickles_and_steps_aside_when_the_rules_change():
    import pickle

    gradient = adjoint.grad(product)
    gradient(2.0, 3.0)
    copied = gradient.__call__
    assert is_copied(gradient)
    assert pickle.loads(pickle.dumps(gradient))(2.0, 3.0) == 12.0
    Revision.bump()
    assert gradient(2.0, 3.0) == 12.0
    assert gradient.__call__ is not copied


def test_the_copy_reads_nothing_from_the_users_module(tmp_path, monkeypatch):
    (tmp_path / "shadows_type.py").write_text(
        "import numpy as np\n\n\ndef type(value):\n    return float\n\n\n"
        "def total(x):\n    return np.sum(x * x)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import shadows_type

    gradient = adjoint.grad(shadows_type.total)
    assert gradient(3.0) == 6.0 and gradient(3.0) == 6.0
    assert is_copied(gradient)
    np.testing.assert_array_equal(gradient(np.array([1.0, 2.0])), [2.0, 4.0])  # not the code for a float


def test_a_body_with_a_try_or_with_block_is_not_copied():
    from adjoint.frontend.define import compile_function

    plain = compile_function("grad_h", "def grad_h(x):\n    return x * 2.0\n", {}, {})
    catching = compile_function("grad_h", "def grad_h(x):\n    try:\n        return x * 2.0\n"
                                          "    except Exception:\n        return 0.0\n", {}, {})
    written = CachedCall(lambda *args, **kwargs: "general", GRAD_TAIL.format(returned="result", call="{call}"),
                         {"_failures": (ValueError,), "_failed": ValueError, "_complex_gradient": None}, Revision)
    copied, separate = written.written({(float,): plain}), written.written({(float,): catching})
    assert copied.__code__.co_filename == plain.__code__.co_filename and copied(3.0) == 6.0
    assert separate.__code__.co_filename == "<adjoint dispatch>" and separate(3.0) == 6.0
    assert copied(3) == separate(3) == copied(x=3.0) == "general"
