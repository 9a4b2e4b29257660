"""Thirty-odd programs written as their users write them (tests/probe27_programs.py), each in every
mode (grad, value_and_grad, vjp, jvp, hvp against central differences) and through `adjoint gen`
(the written modules run where adjoint cannot be imported and give what adjoint gives).

What was wrong: the gradient of polynomial features `sum(w_k * x ** k for k in range(4))` at a
sample x = 0.0 was nan (the slope of x ** 0 taken as 0 * x ** -1); see also
test_probe27_scalar_edges.py. A class built inside the differentiated function from the values
the derivative flows through is refused at its line, with what to write instead (a dataclass
config, the object built outside and its bound method differentiated): both of those work.
"""
from __future__ import annotations

import json
import pickle
import warnings

import numpy as np
import pytest

import adjoint
import probe27_programs as programs
from adjoint.cli import main
from every_mode import check_every_mode
from test_gen_probe26 import run_without_adjoint

rng = np.random.default_rng(3)
X6 = rng.normal(size=6)
SPD = np.array([[2.0, 0.3], [0.3, 1.5]])
CASES = {
    "gp_marginal_likelihood": (0.2, np.linspace(0, 2, 5), np.sin(np.linspace(0, 2, 5))),
    "vae_loss": (np.stack([rng.normal(size=(3, 3)) * 0.3 for _ in range(3)]), rng.normal(size=(4, 3)),
                 rng.normal(size=(4, 3))),
    "spring_mass": (2.0, 0.7),
    "mlp_with_config": (rng.normal(size=(3, 4)) * 0.5, rng.normal(size=(4, 2)) * 0.5, rng.normal(size=(5, 3)),
                        rng.normal(size=(5, 2))),
    "kalman_step": (np.array([0.3, -0.2]), SPD, np.array([[1.0, 0.1], [0.0, 1.0]]), 0.1 * np.eye(2),
                    np.array([[1.0, 0.0]]), np.array([[0.2]]), np.array([0.5])),
    "attention": (rng.normal(size=(3, 2)) * 0.5, rng.normal(size=(4, 3)), rng.normal(size=(3, 2)) * 0.5,
                  rng.normal(size=(3, 2)) * 0.5),
    "logistic_regression": (rng.normal(size=3), rng.normal(size=(6, 3)), np.sign(rng.normal(size=6))),
    "softmax_xent": (rng.normal(size=(3, 4)), rng.normal(size=(5, 3)), np.array([0, 1, 3, 2, 1])),
    "rnn_loss": (rng.normal(size=(3, 3)) * 0.4, rng.normal(size=(4, 3)), np.zeros(3)),
    "layer_norm": (rng.normal(size=(2, 4)), rng.normal(size=4)),
    "huber": (np.array([0.3, 0.8]), np.linspace(-1, 1, 7), np.linspace(-1, 1, 7) * 2 + 0.37),
    "pendulum": (0.4, 0.1),
    "newton_sqrt": (2.3,),
    "bisection_free_root": (2.7,),
    "poly_features": (np.array([0.1, 0.5, -0.2, 0.05]), np.linspace(0, 1, 5)),  # a sample at 0.0
    "ridge_closed_form": (0.3, rng.normal(size=(6, 3)), rng.normal(size=6)),
    "conv1d": (np.array([0.3, -0.2, 0.5]), rng.normal(size=8)),
    "mixture_nll": (np.array([-1.0, 0.5, 2.0]), rng.normal(size=7)),
    "dict_params": (0.7, X6),
    "piecewise": (0.5,),
    "cumulative_returns": (np.array([0.3, 0.7]), rng.normal(size=(5, 2)) * 0.05),
    "heat_equation": (0.2, np.sin(np.linspace(0, 3, 6))),
    "tuple_returning_helper": (X6,),
    "list_accumulate": (X6,),
    "matrix_exp_series": (0.3, rng.normal(size=(3, 3))),
    "sorted_topk": (X6,),
    "norm_penalty": (rng.normal(size=(2, 3)),),
    "einsum_bilinear": (rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=3)),
    "clipped_adam_step": (rng.normal(size=4), rng.normal(size=4), rng.normal(size=4) * 0.1,
                          np.abs(rng.normal(size=4)) * 0.01),
    "eigen_energy": (rng.normal(size=(3, 3)),),
    "scan_with_early_return": (np.array([0.5, 0.9, 1.1, 0.3]),),
}
# The second argument too, where it is a float or an array of floats the program differentiates through.
SECOND = {"gp_marginal_likelihood", "vae_loss", "spring_mass", "mlp_with_config", "kalman_step", "attention",
          "logistic_regression", "layer_norm", "huber", "pendulum", "poly_features", "ridge_closed_form", "conv1d",
          "mixture_nll", "dict_params", "cumulative_returns", "heat_equation", "matrix_exp_series",
          "einsum_bilinear", "clipped_adam_step"}
PARAMS = [pytest.param(name, 0, id=f"{name}[0]") for name in CASES]
PARAMS += [pytest.param(name, 1, id=f"{name}[1]") for name in sorted(SECOND)]


@pytest.mark.parametrize("name, wrt", PARAMS)
def test_program_in_every_mode(name, wrt):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no inf or nan on the way (0 * x ** -1 was one)
        check_every_mode(getattr(programs, name), CASES[name], wrt=wrt)


def test_a_bound_method_of_an_object_built_outside():
    model = programs.Regressor(rng.normal(size=(6, 3)), rng.normal(size=6))
    check_every_mode(model.loss, (rng.normal(size=3),))


@pytest.mark.parametrize("wrt", [0, 1])
def test_a_dataclass_held_in_a_field_of_a_plain_object_built_inside_read_through_a_chain(wrt):
    """MLP's objects are records of its attributes (normalize/records.py); `self.config.scale`
    reads a field of the Config dataclass one of them holds. Such a chain was refused at that
    read; it reads one field at a time now (normalize/anf.py)."""
    check_every_mode(programs.mlp_loss, CASES["mlp_with_config"], wrt=wrt)


GENERATED = ["gp_marginal_likelihood", "spring_mass", "kalman_step", "attention", "poly_features", "eigen_energy"]


def test_generated_modules_run_without_adjoint(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in GENERATED:
        for mode in ("reverse", "forward"):
            assert main(["gen", f"{programs.__file__}:{name}", "--mode", mode, "-o", str(out / f"{mode}_{name}.py")]) == 0
        (out / f"args_{name}.pkl").write_bytes(pickle.dumps(CASES[name]))
    got = run_without_adjoint(tmp_path, out, f'''
        import importlib, json, pickle
        import numpy as np
        results = {{}}
        for name in {GENERATED!r}:
            grad = getattr(importlib.import_module("reverse_" + name), "grad_" + name)
            jvp = getattr(importlib.import_module("forward_" + name), "jvp_" + name)
            args = pickle.load(open("args_" + name + ".pkl", "rb"))
            tangent = np.ones(np.shape(args[0])) if np.ndim(args[0]) else 1.0
            keyword = jvp.__code__.co_varnames[jvp.__code__.co_argcount]
            value, derivative = jvp(*args, **{{keyword: tangent}})
            results[name] = [np.asarray(grad(*args), dtype=float).tolist(), float(value), float(derivative)]
        print(json.dumps(results))
    ''')
    for name in GENERATED:
        args = CASES[name]
        tangent = np.ones(np.shape(args[0])) if np.ndim(args[0]) else 1.0
        value, derivative = adjoint.jvp(getattr(programs, name))(*args, tangent)
        np.testing.assert_allclose(got[name][0], adjoint.grad(getattr(programs, name))(*args), rtol=1e-12, atol=1e-14)
        assert got[name][1] == pytest.approx(value, rel=1e-13)
        assert got[name][2] == pytest.approx(derivative, rel=1e-12, abs=1e-14)
        assert json.dumps(got[name])  # plain numbers
