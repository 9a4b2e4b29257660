"""Records read as users read them, on the programs of record_chains_programs.py, in every mode
(grad, value_and_grad, vjp, jvp, hvp, grad of grad for numbers) against central differences, the
gradients of the arguments' structure and classes, the arguments left as they were.

What was refused at the line:
- a chain of attributes on nested records of a differentiated argument (`world.body.position`,
  `model.layer1.W @ x`, `cfg.optim.lr * grad`): "reading attribute `m` of the differentiated
  parameter"; naming the inner record first (`body = world.body`) was differentiated. A chain on a
  local name now reads one attribute at a time (normalize/anf.py), each a field read.
- a record taken from a list or a dict argument and passed to a function reading its fields
  (`for layer in layers: h = dense(layer, h)`, `forward(params["net"], x)`): the called function's
  parameter, of unknown kind, was taken for an object. It is now read as a local name of unknown
  kind is (runtime.field_index asks the record's class when the derivative runs, and refuses an
  object of another class at the called function's line): only the parameters of the function
  differentiated, whose kinds are those of the values given, are known to hold objects. So modules
  `adjoint gen` writes without example arguments read such fields too.

Still refused at the line: a field written through a chain (`world.body.mass = ...`), the message
saying which new records to build instead; a plain object (neither a NamedTuple nor a dataclass)
from a list, passed to a function reading its attributes, refused when the derivative runs.
"""
from __future__ import annotations

import copy
import dataclasses
import types
from pathlib import Path

import numpy as np
import pytest

import adjoint
import record_chains_programs as programs
from every_mode import RTOL, ATOL, check_every_mode
from program_corpus import structure_mismatch
from soundness import central_differences, directional_difference, flat, marked_line, with_flat
from test_catalogue_fd import assert_unchanged
from written_modules import written as written_module

RNG = np.random.default_rng(41)
HERE = Path(__file__).resolve().parent


def layer(n_in, n_out, cls=programs.Layer):
    return cls(0.5 * RNG.normal(size=(n_in, n_out)), 0.1 * RNG.normal(size=n_out))


def world():
    return programs.World(programs.Body(RNG.normal(size=2), RNG.normal(size=2), 1.3), programs.Spring(2.0, 0.4))


X = RNG.normal(size=(4, 3))
MODEL = programs.Model(layer(3, 4), layer(4, 2))
CONFIG = programs.Config(programs.Optim(0.05, 0.1), 0.3)
BLOCKS = [programs.Block(layer(3, 4), 1.2), programs.Block(layer(4, 2), 0.8)]

CHAINS = [
    (programs.world_energy, (world(),), 0),
    (programs.world_rollout, (world(), 0.1), 0),
    (programs.universe_energy, (programs.Universe(world(), 9.8),), 0),
    (programs.two_layers, (MODEL, X), 0),
    (programs.sgd_loss, (RNG.normal(size=3), CONFIG, X), 0),
    (programs.sgd_loss, (RNG.normal(size=3), CONFIG, X), 1),
    (programs.sgd_loss, (RNG.normal(size=3), types.SimpleNamespace(optim=programs.Optim(0.05, 0.1), damping=0.3), X),
     0),
    (programs.chained_in_a_callee, (world(), 1.5), 0),
    (programs.chained_items, (BLOCKS, X), 0),
    (programs.built_then_chained, (RNG.normal(size=2), RNG.normal(size=2)), 0),
    (programs.replaced_through_a_chain, (world(),), 0),
]
CHAIN_IDS = ["namedtuple-of-a-dataclass", "simulation", "three-long", "dataclass-of-namedtuples",
             "config-not-differentiated", "config-differentiated", "config-of-an-object-not-differentiated",
             "in-a-callee", "items-of-a-list", "built-in-the-function", "replaced-as-the-refusal-says"]

FROM_CONTAINERS = [
    (programs.mlp, ([layer(3, 4), layer(4, 2)], X), 0),
    (programs.mlp, ([layer(3, 4, programs.DenseLayer), layer(4, 2, programs.DenseLayer)], X), 0),
    (programs.from_a_dict, ({"net": layer(3, 2)}, X), 0),
    (programs.from_a_dict, ({"net": layer(3, 2, programs.DenseLayer)}, X), 0),
    (programs.passed_twice, ({"net": layer(3, 2), "scale": 0.7}, X), 0),
    (programs.nested_from_a_dict, ({"model": MODEL}, X), 0),
    (programs.by_index, ([layer(3, 4), layer(4, 2)], X), 0),
]
CONTAINER_IDS = ["list-of-namedtuples", "list-of-dataclasses", "dict-of-a-namedtuple", "dict-of-a-dataclass",
                 "passed-on-twice", "dict-of-nested-records", "items-by-index"]


def check_structures(func, args, wrt):
    """grad's, vjp's and hvp's results have the argument's containers, classes and shapes; grad
    with optimize=False computes what grad computes."""
    before = copy.deepcopy(args)
    gradient = adjoint.grad(func, wrt=wrt)(*args)
    _, pullback = adjoint.vjp(func, wrt=wrt)(*args)
    tangent = with_flat(args[wrt], RNG.normal(size=flat(args[wrt]).size))
    for where, result in [("grad", gradient), ("vjp", pullback(1.0)),
                          ("hvp", adjoint.hvp(func, wrt=wrt)(*args, tangent))]:
        assert structure_mismatch(args[wrt], result, where) is None, structure_mismatch(args[wrt], result, where)
    unoptimized = adjoint.grad(func, wrt=wrt, optimize=False)(*args)
    np.testing.assert_allclose(flat(unoptimized), flat(gradient), rtol=1e-12, atol=1e-14)
    assert_unchanged(before, args)


@pytest.mark.parametrize("func, args, wrt", CHAINS, ids=CHAIN_IDS)
def test_fields_of_nested_records_read_by_a_chain_in_every_mode(func, args, wrt):
    check_every_mode(func, args, wrt=wrt)
    check_structures(func, args, wrt)


@pytest.mark.parametrize("func, args, wrt", FROM_CONTAINERS, ids=CONTAINER_IDS)
def test_a_record_from_a_list_or_a_dict_passed_to_a_function_reading_its_fields(func, args, wrt):
    check_every_mode(func, args, wrt=wrt)
    check_structures(func, args, wrt)


def test_a_chain_and_the_names_it_stands_for_give_the_same_gradient():
    osc = world()

    def by_parts(w):
        body, spring = w.body, w.spring
        stretch = np.sqrt(np.sum(body.position ** 2)) - spring.rest
        return 0.5 * body.mass * body.velocity.T @ body.velocity + 0.5 * spring.k * stretch ** 2

    chained, named = adjoint.grad(programs.world_energy)(osc), adjoint.grad(by_parts)(osc)
    assert type(chained) is programs.World and type(chained.body) is programs.Body
    np.testing.assert_array_equal(flat(chained), flat(named))


def test_the_gradient_of_a_record_from_a_list_is_of_its_class():
    layers = [layer(3, 4), layer(4, 2, programs.DenseLayer)]
    gradient = adjoint.grad(programs.mlp)(layers, X)
    assert [type(g) for g in gradient] == [programs.Layer, programs.DenseLayer]
    np.testing.assert_allclose(flat(gradient), central_differences(programs.mlp, (layers, X), 0), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("func, marker, rebuilt", [
    (programs.written_through_a_chain, "chain-write",
     "`world = dataclasses.replace(world, body=dataclasses.replace(world.body, mass=...))`"),
    (programs.added_through_a_chain, "chain-augmented-write",
     "`universe = dataclasses.replace(universe, world=dataclasses.replace(universe.world, "
     "body=dataclasses.replace(universe.world.body, position=...)))`"),
], ids=["assigned", "augmented"])
def test_a_field_written_through_a_chain_is_refused_saying_what_to_write(func, marker, rebuilt):
    argument = world() if func is programs.written_through_a_chain else programs.Universe(world(), 9.8)
    before = copy.deepcopy(argument)
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.grad(func)(argument)
    message = str(refused.value)
    assert f"record_chains_programs.py:{marked_line(func, marker)}:" in message
    assert "through a chain of attributes" in message and rebuilt in message and "_replace" in message
    assert_unchanged(before, argument)


def test_what_the_refusal_of_a_write_through_a_chain_says_to_write_is_differentiated():
    """`universe.world.body.position += 1.0`, written as the message says (`_replace` for the
    NamedTuple World), against central differences."""
    def rebuilt(universe):
        universe = dataclasses.replace(universe, world=universe.world._replace(
            body=dataclasses.replace(universe.world.body, position=universe.world.body.position + 1.0)))
        return programs.universe_energy(universe)

    check_every_mode(rebuilt, (programs.Universe(world(), 9.8),))


def test_a_plain_object_from_a_list_passed_to_a_function_reading_its_attributes_is_refused_at_its_line():
    layers = [programs.Plain(*layer(3, 2))]
    with pytest.raises(adjoint.AdjointError, match="not a field of the Plain") as refused:
        adjoint.grad(programs.mlp_of_plain_objects)(layers, X)
    line = marked_line(programs.plain_dense, "plain-object")
    assert f"record_chains_programs.py:{line}:" in str(refused.value)


def written(tmp_path, name, *options):
    return written_module(tmp_path, HERE / "record_chains_programs.py", name, *options)


@pytest.mark.parametrize("name, args", [("mlp", ([layer(3, 4), layer(4, 2)], X)),
                                        ("from_a_dict", ({"net": layer(3, 2, programs.DenseLayer)}, X))],
                         ids=["list-of-namedtuples", "dict-of-a-dataclass"])
def test_modules_adjoint_gen_writes_read_the_fields_of_records_from_a_list_or_a_dict(tmp_path, name, args):
    """Without example arguments the called function's parameter is of unknown kind as well: its
    fields are read as the derivative runs, in each mode the module is written for."""
    func = getattr(programs, name)
    before = copy.deepcopy(args)
    gradient = written(tmp_path, name)[f"grad_{name}"](*args)
    assert structure_mismatch(args[0], gradient) is None, structure_mismatch(args[0], gradient)
    np.testing.assert_allclose(flat(gradient), central_differences(func, args, 0), rtol=RTOL, atol=ATOL)
    pulled = written(tmp_path, name, "--mode", "vjp")[f"vjp_{name}"](2.0, *args)
    np.testing.assert_allclose(flat(pulled), 2.0 * flat(gradient), rtol=1e-12, atol=1e-14)
    tangent = with_flat(args[0], RNG.normal(size=flat(args[0]).size))
    keyword = "dlayers" if name == "mlp" else "dparams"
    _, derivative = written(tmp_path, name, "--mode", "forward")[f"jvp_{name}"](*args, **{keyword: tangent})
    np.testing.assert_allclose(derivative, directional_difference(func, args, (0,), (tangent,)), rtol=RTOL, atol=ATOL)
    assert_unchanged(before, args)
