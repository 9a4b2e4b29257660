"""Parameter containers end to end: realistic programs against central differences and
autograd, the types of gradients in every transformation, None leaves, and has_aux."""
from __future__ import annotations

import copy
import dataclasses
import importlib.util
import sys
from typing import NamedTuple

import numpy as np
import pytest

import adjoint
import container_programs as programs
from soundness import central_differences, flat
from test_catalogue_fd import assert_unchanged


def _data(rng, count=5, features=3, classes=2):
    inputs = rng.normal(size=(count, features))
    targets = np.eye(classes)[rng.integers(classes, size=count)]
    return inputs, targets


def _mlp_args(rng):
    inputs, targets = _data(rng)
    return programs.init_mlp(rng, [3, 4, 2]), inputs, targets


def _regularized_args(rng):
    return (*_mlp_args(rng), 0.01)


def _layers_args(rng):
    inputs, targets = _data(rng)
    return programs.init_layers(rng, [3, 4, 4, 2]), inputs, targets


def _gaussian_args(rng):
    return programs.Gaussian(rng.normal(size=3), 0.1 * rng.normal(size=3)), rng.normal(size=(4, 3))


def _regression_args(rng):
    inputs = rng.normal(size=(6, 2))
    return programs.Regression(rng.normal(size=2), 0.3, 0.8), inputs, rng.normal(size=6)


PROGRAMS = [
    pytest.param(programs.mlp_loss, _mlp_args, id="mlp-dict"),
    pytest.param(programs.regularized_loss, _regularized_args, id="mlp-dict-items"),
    pytest.param(programs.layers_loss, _layers_args, id="list-of-pairs"),
    pytest.param(programs.gaussian_nll, _gaussian_args, id="namedtuple"),
    pytest.param(programs.regression_loss, _regression_args, id="dataclass"),
]


def _same_structure(gradient, value, where="gradient"):
    """gradient has value's containers, keys, classes and leaf types (floats for numbers)."""
    if isinstance(value, np.ndarray):
        assert type(gradient) is np.ndarray and gradient.shape == value.shape, where
    elif isinstance(value, (int, float)):
        assert type(gradient) is float, f"{where}: {type(gradient).__name__} for a number"
    elif isinstance(value, dict):
        assert type(gradient) is type(value) and list(gradient) == list(value), where
        for key in value:
            _same_structure(gradient[key], value[key], f"{where}[{key!r}]")
    elif dataclasses.is_dataclass(value):
        assert type(gradient) is type(value), where
        for field in dataclasses.fields(value):
            _same_structure(getattr(gradient, field.name), getattr(value, field.name), f"{where}.{field.name}")
    elif isinstance(value, (list, tuple)):
        assert type(gradient) is type(value) and len(gradient) == len(value), where
        for index, (g, v) in enumerate(zip(gradient, value)):
            _same_structure(g, v, f"{where}[{index}]")
    else:
        assert gradient is None and value is None, where


@pytest.mark.parametrize("program, make_args", PROGRAMS)
def test_program_gradient_matches_differences_in_every_transformation(program, make_args, rng):
    args = make_args(rng)
    before = copy.deepcopy(args)
    want = central_differences(program, args, 0)
    gradients = {
        "grad": adjoint.grad(program)(*args),
        "value_and_grad": adjoint.value_and_grad(program)(*args)[1],
        "vjp": adjoint.vjp(program)(*args)[1](1.0),
    }
    assert_unchanged(before, args)
    for transformation, gradient in gradients.items():
        _same_structure(gradient, args[0], transformation)
        np.testing.assert_allclose(flat(gradient), want, rtol=1e-6, atol=1e-7, err_msg=transformation)


@pytest.fixture(scope="module")
def on_autograd():
    autograd_numpy = pytest.importorskip("autograd.numpy")
    name = "container_programs_on_autograd"
    spec = importlib.util.spec_from_file_location(name, programs.__file__)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    module.np = autograd_numpy
    return module


@pytest.mark.peers
@pytest.mark.parametrize("program, make_args", PROGRAMS[:3])
def test_program_gradient_matches_autograd(program, make_args, rng, on_autograd):
    import autograd

    args = make_args(rng)
    theirs = autograd.grad(getattr(on_autograd, program.__name__))(*copy.deepcopy(args))
    ours = adjoint.grad(program)(*args)
    np.testing.assert_allclose(flat(ours), flat(theirs), rtol=1e-10, atol=1e-12)


@pytest.mark.peers
def test_auxiliary_outputs_match_autograd(rng, on_autograd):
    import autograd

    params, inputs, targets = _mlp_args(rng)
    gradient, aux = adjoint.grad(programs.loss_with_aux, has_aux=True)(params, inputs, targets)
    theirs = autograd.grad(lambda p: on_autograd.loss_with_aux(p, inputs, targets)[0])(params)
    _same_structure(gradient, params)
    np.testing.assert_allclose(flat(gradient), flat(theirs), rtol=1e-10, atol=1e-12)
    loss, expected_aux = programs.loss_with_aux(params, inputs, targets)
    np.testing.assert_array_equal(aux["outputs"], expected_aux["outputs"])
    assert aux["max_error"] == expected_aux["max_error"]

    (value, aux), gradient = adjoint.value_and_grad(programs.loss_with_aux, has_aux=True)(params, inputs, targets)
    assert value == loss and aux["max_error"] == expected_aux["max_error"]
    np.testing.assert_allclose(flat(gradient), flat(theirs), rtol=1e-10, atol=1e-12)


def _product(a, b):
    return a * b + np.sin(a), a - b


def test_auxiliary_output_of_numbers_with_a_tuple_of_wrt():
    gradients, aux = adjoint.grad(_product, wrt=(0, 1), has_aux=True)(0.5, 2.0)
    assert gradients == pytest.approx((2.0 + np.cos(0.5), 0.5)) and aux == -1.5
    assert all(type(g) is float for g in gradients)


def _not_a_pair(a):
    return a * a


def test_auxiliary_output_must_be_a_pair():
    with pytest.raises(adjoint.AdjointError, match=r"pair \(loss, aux\)"):
        adjoint.grad(_not_a_pair, has_aux=True)(0.5)


class Pair(NamedTuple):
    a: float
    b: float


def _numbers(x, y, z):
    return np.sqrt(x * x + y * y + z * z) + np.tanh(x) * max(y, z)


def _pair_loss(p, t):
    return p.a * t[0] + np.exp(p.b) * t[1]


@pytest.mark.parametrize("transformation", ["grad", "value_and_grad", "vjp"])
def test_gradients_of_numbers_tuples_and_namedtuples_keep_their_types(transformation):
    def run(func, args, wrt):
        if transformation == "grad":
            return adjoint.grad(func, wrt=wrt)(*args)
        if transformation == "value_and_grad":
            return adjoint.value_and_grad(func, wrt=wrt)(*args)[1]
        return adjoint.vjp(func, wrt=wrt)(*args)[1](1.0)

    gradients = run(_numbers, (0.5, 1.5, -2.0), (0, 1, 2))
    assert [type(g) for g in gradients] == [float, float, float]
    gradients = run(_pair_loss, (Pair(0.5, 1.5), (2.0, 3.0)), (0, 1))
    _same_structure(gradients[0], Pair(0.5, 1.5))
    _same_structure(gradients[1], (2.0, 3.0))


def _with_none_and_labels(params, x):
    return np.sum(params["W"] @ x) * params["scale"]


def test_none_leaves_get_none_and_other_leaves_their_gradients():
    params = {"W": np.ones((2, 3)), "scale": 2.0, "mask": None}
    gradient = adjoint.grad(_with_none_and_labels)(params, np.arange(3.0))
    assert gradient["mask"] is None and type(gradient["scale"]) is float
    np.testing.assert_allclose(gradient["W"], 2.0 * np.tile(np.arange(3.0), (2, 1)))
    assert gradient["scale"] == 6.0


def _unpacked_with_a_hole(params, x):
    W, _, b = params
    return np.sum(np.tanh(W @ x + b))


def _hole_through_a_callee_twice(params, x):
    return _unpacked_with_a_hole(params, x) * _unpacked_with_a_hole(params, 2.0 * x)


def _optional_bias(layer, x):
    W, b = layer
    y = W @ x
    if b is not None:
        y = y + b
    return np.tanh(y)


def _layers_some_without_bias(layers, x):
    for layer in layers:
        x = _optional_bias(layer, x)
    return np.sum(x) + np.sum(_optional_bias(layers[0], x))


def _dict_with_a_hole_twice(params, x):
    return _with_none_and_labels(params, x) * _with_none_and_labels(params, 2.0 * x)


def _without_holes(tree):
    """The tree with its None leaves taken out, for central differences over the others."""
    if isinstance(tree, dict):
        return {key: _without_holes(value) for key, value in tree.items() if value is not None}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_without_holes(item) for item in tree if item is not None)
    return tree


def _with_holes(tree, filled):
    """`filled` (a tree without None leaves) put back into tree's structure, None where tree has None."""
    if isinstance(tree, dict):
        return {key: None if value is None else _with_holes(value, filled[key]) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)):
        rest = iter(filled)
        return type(tree)(None if item is None else _with_holes(item, next(rest)) for item in tree)
    return filled


HOLES = [
    (_unpacked_with_a_hole, lambda rng: [rng.normal(size=(2, 3)), None, rng.normal(size=2)]),
    (_unpacked_with_a_hole, lambda rng: (rng.normal(size=(2, 3)), None, rng.normal(size=2))),
    (_hole_through_a_callee_twice, lambda rng: [rng.normal(size=(2, 3)), None, rng.normal(size=2)]),
    (_layers_some_without_bias, lambda rng: [(rng.normal(size=(3, 3)), None),
                                             (rng.normal(size=(3, 3)), rng.normal(size=3))]),
    (_dict_with_a_hole_twice, lambda rng: {"W": rng.normal(size=(2, 3)), "scale": 2.0, "mask": None}),
]


@pytest.mark.parametrize("program, make_params", HOLES, ids=lambda v: getattr(v, "__name__", ""))
def test_none_leaves_of_lists_and_tuples_get_none(program, make_params, rng):
    params, x = make_params(rng), rng.normal(size=3)
    expected = central_differences(lambda filled: program(_with_holes(params, filled), x),
                                   (_without_holes(params),), 0)
    for gradient in (adjoint.grad(program)(params, x), adjoint.value_and_grad(program)(params, x)[1],
                     adjoint.vjp(program)(params, x)[1](1.0)):
        _same_structure(gradient, params, "gradient")
        np.testing.assert_allclose(flat(_without_holes(gradient)), expected, rtol=1e-6, atol=1e-7)
    tangent = _with_holes(params, _without_holes(copy.deepcopy(params)))
    _, along = adjoint.jvp(program)(params, x, tangent)
    np.testing.assert_allclose(along, expected @ flat(_without_holes(tangent)), rtol=1e-6, atol=1e-7)


def _nested(tree):
    encoder, decoder = tree["layers"]
    return np.sum(encoder["W"] * decoder[0]) + tree["gain"].value * np.sum(decoder[1])


@dataclasses.dataclass(frozen=True)
class Gain:
    value: float


def test_nested_mixture_of_containers():
    tree = {"layers": ({"W": np.ones(2)}, [np.full(2, 3.0), np.arange(2.0)]), "gain": Gain(0.5)}
    gradient = adjoint.grad(_nested)(tree)
    _same_structure(gradient, tree)
    np.testing.assert_allclose(flat(gradient), central_differences(_nested, (tree,), 0), rtol=1e-6)


def _iterates_a_dict_item(params):
    total = 0.0
    for key in params["inner"]:
        total = total + params["inner"][key]
    return total


def test_a_dict_reached_through_a_container_is_refused_at_its_loop():
    params = {"inner": {"a": 1.0, "b": 2.0}}
    with pytest.raises(adjoint.AdjointError, match=r"iterates over a dict") as info:
        adjoint.grad(_iterates_a_dict_item)(params)
    assert info.value.lineno == _iterates_a_dict_item.__code__.co_firstlineno + 2


def _iterates_a_list_in_a_dict(params, x):
    for W, b in params["layers"]:
        x = np.tanh(W @ x + b)
    return np.sum(x)


def test_a_list_reached_through_a_dict_is_iterated():
    params = {"layers": [(np.eye(2), np.ones(2)), (2.0 * np.eye(2), np.zeros(2))]}
    x = np.array([0.3, -0.2])
    gradient = adjoint.grad(_iterates_a_list_in_a_dict)(params, x)
    _same_structure(gradient, params)
    np.testing.assert_allclose(flat(gradient), central_differences(_iterates_a_list_in_a_dict, (params, x), 0),
                               rtol=1e-6)


# ----- adjoint.tree ------------------------------------------------------------------------------


def test_tree_flatten_and_unflatten_keep_structure_and_types():
    tree = {"layers": [(np.ones(2), 1.0), programs.Gaussian(np.zeros(2), np.ones(2))],
            "model": programs.Regression(np.ones(2), 0.5, 1.0), "mask": None}
    leaves, treedef = adjoint.tree.flatten(tree)
    assert len(leaves) == 8 and leaves[-1] is None
    rebuilt = adjoint.tree.unflatten(treedef, leaves)
    _same_structure(rebuilt, tree)
    np.testing.assert_array_equal(flat({k: v for k, v in rebuilt.items() if k != "mask"}),
                                  flat({k: v for k, v in tree.items() if k != "mask"}))
    with pytest.raises(ValueError):
        adjoint.tree.unflatten(treedef, leaves[:-1])


def test_tree_map_makes_a_gradient_step(rng):
    params, inputs, targets = _mlp_args(rng)
    gradient = adjoint.grad(programs.mlp_loss)(params, inputs, targets)
    stepped = adjoint.tree.map(lambda p, g: p - 0.1 * g, params, gradient)
    assert list(stepped) == list(params)
    np.testing.assert_allclose(stepped["W1"], params["W1"] - 0.1 * gradient["W1"])
    assert programs.mlp_loss(stepped, inputs, targets) < programs.mlp_loss(params, inputs, targets)
    with pytest.raises(ValueError, match="different structures"):
        adjoint.tree.map(lambda p, g: p, params, [1.0])
