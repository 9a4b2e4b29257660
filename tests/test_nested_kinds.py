"""Derivatives of derivatives specialized by the kinds their halves keep (analysis/derived_kinds.py).

Nested elementwise derivatives of several functions, orders 1-6, against autograd's nested
elementwise_grad and central differences; the helium energy's nested grad, orders 1-4, against
autograd; hvp and jvp of such derivatives; one nested derivative called with a number, an array
and a list; and what the halves keep: their shapes survive the disk cache, and a backward half
differentiated again knows its residuals' kinds.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from adjoint.analysis.same_shapes import is_adjoint_label
from adjoint.backend import cache
from adjoint.options import Options
from adjoint.pipeline import generate
from benchmarks.cases import energy
from test_cache import load

autograd = pytest.importorskip("autograd")
anp = autograd.numpy

POINTS = np.linspace(-1.0, 1.0, 9)
FUNCTIONS = {  # name -> (adjoint's elementwise function, autograd's)
    "tanh": (np.tanh, anp.tanh),
    "sin": (np.sin, anp.sin),
    "exp": (lambda x: np.exp(0.5 * x), lambda x: anp.exp(0.5 * x)),
    "log1p": (lambda x: np.log1p(x * x), lambda x: anp.log1p(x * x)),
    "rational": (lambda x: x / (1.0 + x * x),
                 lambda x: x / (1.0 + x * x)),  # one lambda a line: Python 3.9 tells lambdas apart by line
}
ORDERS = {"tanh": 6, "sin": 6, "exp": 5, "log1p": 5, "rational": 5}


def _summed(derivative):
    def summed(x):
        return np.sum(derivative(x))
    return summed


def adjoint_derivatives(elementwise, order):
    """[d1, ..., d<order>]: d<k> = grad of the sum of d<k-1>, each generated from the code of the one before."""
    def first(x):
        return np.sum(elementwise(x))
    derivatives = [adjoint.grad(first)]
    for _ in range(order - 1):
        derivatives.append(adjoint.grad(_summed(derivatives[-1])))
    return derivatives


def autograd_derivatives(elementwise, order):
    derivatives = [autograd.elementwise_grad(elementwise)]
    for _ in range(order - 1):
        derivatives.append(autograd.elementwise_grad(derivatives[-1]))
    return derivatives


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_nested_elementwise_derivatives_match_autograd_and_differences(name):
    ours, theirs = FUNCTIONS[name]
    mine = adjoint_derivatives(ours, ORDERS[name])
    expected = autograd_derivatives(theirs, ORDERS[name])
    step = 1e-5
    previous = ours
    for order, (derivative, reference) in enumerate(zip(mine, expected), start=1):
        value = derivative(POINTS)
        np.testing.assert_allclose(value, reference(POINTS), rtol=1e-10, atol=1e-10, err_msg=f"{name} order {order}")
        differences = (previous(POINTS + step) - previous(POINTS - step)) / (2 * step)
        scale = 1.0 + np.max(np.abs(value))
        np.testing.assert_allclose(value, differences, rtol=1e-5, atol=1e-5 * scale, err_msg=f"{name} order {order}")
        previous = derivative


def test_one_nested_derivative_at_a_number_an_array_and_a_list():
    """The same derived function, called with arguments of three kinds, gets code for each."""
    third = adjoint_derivatives(np.tanh, 3)[-1]
    reference = autograd_derivatives(anp.tanh, 3)[-1]
    np.testing.assert_allclose(third(0.3), reference(0.3), rtol=1e-12)
    np.testing.assert_allclose(third(POINTS), reference(POINTS), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(third(0.3), reference(0.3), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(third([0.3, -0.4])), reference(np.array([0.3, -0.4])), rtol=1e-12)
    np.testing.assert_allclose(third(POINTS[:4]), reference(POINTS[:4]), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", [(1,), (3, 1), (1, 4), (2, 3)])
def test_nested_derivatives_at_arrays_with_axes_of_one(shape):
    """Where a helper's adjoint takes the symbolic zero unguarded, arrays with axes of length one
    (which broadcasting treats apart) give exact values too."""
    x = np.linspace(-0.8, 0.9, int(np.prod(shape))).reshape(shape)
    for derivative, reference in zip(adjoint_derivatives(np.tanh, 4), autograd_derivatives(anp.tanh, 4)):
        np.testing.assert_allclose(derivative(x), reference(x), rtol=1e-10, atol=1e-12)


HELIUM = (2.0, 3.0, 2.0, 5.0, 3.0, -3.0, 0.3)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_helium_energy_nested_grad_matches_autograd(order):
    mine, theirs = energy, energy
    for _ in range(order):
        mine = adjoint.grad(mine, wrt=6)
        theirs = autograd.grad(theirs, 6)
    np.testing.assert_allclose(mine(*HELIUM), theirs(*HELIUM), rtol=1e-10)


def test_hvp_and_jvp_of_a_nested_derivative():
    second = _summed(adjoint_derivatives(np.tanh, 2)[-1])  # the sum of tanh'''
    reference = autograd.elementwise_grad(autograd.elementwise_grad(autograd.elementwise_grad(anp.tanh)))
    v = np.linspace(0.5, -0.5, POINTS.size)
    # the Hessian of sum(tanh'') is diagonal, with tanh'''' on it
    fourth = autograd.elementwise_grad(reference)
    np.testing.assert_allclose(adjoint.hvp(second)(POINTS, v), fourth(POINTS) * v, rtol=1e-10, atol=1e-12)
    value, tangent = adjoint.jvp(adjoint.grad(second))(POINTS, v)
    np.testing.assert_allclose(value, reference(POINTS), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tangent, fourth(POINTS) * v, rtol=1e-10, atol=1e-12)


def _tanh_of(x):
    return np.tanh(x)


def test_a_backward_half_differentiated_again_knows_its_residuals_kinds():
    """tanh through a user function, whose derivative's halves the second derivative splits again
    (the derived function itself is written into its caller: normalize/derived_inline.py)."""
    second = _summed(adjoint_derivatives(_tanh_of, 2)[-1])
    generated = generate(second, Options("reverse", ("x",), True, (("x", "array:1"),)))
    backward = [unit for unit in generated.units if unit.name.startswith("bwd_")]
    assert backward
    for unit in backward:
        value, parameters, (_, labelled) = unit.shapes
        assert value is None and len(parameters) == 1
        assert "array:1" in str(next(iter(parameters.values())))
        # the residuals' arrays all have the argument's shape: one label (analysis/same_shapes.py)
        residual_labels = labelled[next(iter(parameters))]
        assert len({label for label in _leaves(residual_labels) if label is not None}) == 1
    # The third derivative's code adds the adjoints of arrays with `+`; the helper that also adds
    # lists is left for the adjoints of tuples (residuals, and the pair a forward half returns), where
    # it is not folded away (`add_adjoints(0.0, d)` is d, as `0.0 + d` is).
    source = adjoint.source(second, args=(POINTS,))
    helped = [line for line in source.splitlines() if "add_adjoints(" in line]
    assert all("residuals" in line or "item_adjoint(" in line for line in helped), helped
    assert "add_adjoints(0.0," not in source


def _leaves(labels):
    """The labels of a structure of them, (ADJOINT, labels) read as its labels."""
    if is_adjoint_label(labels):
        return _leaves(labels[1])
    return [leaf for item in labels for leaf in _leaves(item)] if isinstance(labels, tuple) else [labels]


CALLING_MODULE = '''\
import numpy as np


def pair(z):
    square = z * z
    return np.tanh(z), (square, 2.0)


def loss(x):
    t, (s, c) = pair(x)
    return np.sum(t * s) * c
'''


def test_the_halves_shapes_survive_the_disk_cache(tmp_path, cache_dir):
    """A derivative loaded from the disk cache (as the inner derivative of a second one may be)
    has halves that know what they knew when generated."""
    module = load(tmp_path / "calling_model.py", CALLING_MODULE)
    options = Options("reverse", ("x",), True, (("x", "array:1"),))
    made = cache.generate_cached(module.loss, options, generate)
    loaded = cache.generate_cached(module.loss, options, lambda *_: pytest.fail("generated again"))
    shapes = {unit.name: unit.shapes for unit in made.units}
    assert shapes["fwd_pair"][0][0] == ("array:1", ("array:1", "scalar"))
    assert {unit.name: unit.shapes for unit in loaded.units} == shapes


def test_only_derivative_units_are_read_as_derivative_code():
    """Code adjoint wrote as a derivative is read again with one name per value and its shape groups
    (normalize/single_assignment.py, analysis/same_shapes.py); a local function lifted out of the
    user's code and a checkpointed loop's step are the user's code, compiled under other labels."""
    import gast

    from adjoint.frontend.define import compile_function, define_function
    from adjoint.generated import is_generated_code

    source = "def step(x):\n    x = x * 2.0\n    return x\n"
    assert is_generated_code(compile_function("step", source, {}, {}))
    assert not is_generated_code(compile_function("step", source, {}, {}, label="adjoint checkpointed loop"))
    node = gast.parse(source).body[0]
    assert not is_generated_code(define_function(node, {}, {}, label="adjoint local function"))
    assert not is_generated_code(_summed)
