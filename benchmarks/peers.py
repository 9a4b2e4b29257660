"""The other AD libraries, imported when installed: each turns a Case into a gradient callable.

A peer's `prepare(case, args)` converts the arguments once into the library's own types
(as its users hold them) and returns `(call, to_numpy)`: `call()` computes the gradients
with respect to `case.wrt` and `to_numpy(result)` gives them as a tuple of floats/arrays
for comparison with the hand-written gradient. A library that is not installed is
reported with the reason, never silently dropped.
"""
from __future__ import annotations

import importlib
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from benchmarks.cases import Case, with_numpy

Prepared = Tuple[Callable[[], Any], Callable[[Any], tuple]]


class Peer:
    """One library (or one way of using it, as JAX with and without jit)."""

    name = ""
    module = ""

    def __init__(self):
        self.missing: Optional[str] = None
        try:
            self.load()
        except ImportError as error:
            self.missing = f"{self.module} is not installed ({error})"

    def load(self) -> None:
        importlib.import_module(self.module)

    def supports(self, case: Case) -> Optional[str]:
        """Why this peer is not run on `case`, or None."""
        return self.missing

    def prepare(self, case: Case, args: tuple) -> Prepared:
        raise NotImplementedError


def _as_tuple(gradients) -> tuple:
    return tuple(gradients) if isinstance(gradients, (tuple, list)) else (gradients,)


class Autograd(Peer):
    name, module = "autograd", "autograd"

    def load(self) -> None:
        import autograd
        import autograd.numpy

        self.grad, self.numpy = autograd.grad, autograd.numpy

    def prepare(self, case: Case, args: tuple) -> Prepared:
        gradient = self.grad(with_numpy(case.func, self.numpy), case.wrt)
        return lambda: gradient(*args), lambda result: tuple(np.asarray(g) for g in _as_tuple(result))


class Torch(Peer):
    name, module = "torch", "torch"

    def load(self) -> None:
        import torch

        self.torch = torch

    def prepare(self, case: Case, args: tuple) -> Prepared:
        torch = self.torch
        func = with_numpy(case.func, torch)
        tensors = [self.tensor(value, position in case.wrt) for position, value in enumerate(args)]
        inputs = [tensors[position] for position in case.wrt]

        def gradient():
            return torch.autograd.grad(func(*tensors), inputs)

        return gradient, lambda result: tuple(g.detach().numpy() for g in result)

    def tensor(self, value, requires_grad: bool):
        if isinstance(value, int):
            return value  # a loop count, not a number to differentiate
        if np.ndim(value) == 0:
            return self.torch.tensor(value, dtype=self.torch.float64, requires_grad=requires_grad)
        return self.torch.from_numpy(np.asarray(value)).requires_grad_(requires_grad)


class Jax(Peer):
    name, module = "jax", "jax"
    jitted = False

    def load(self) -> None:
        import jax
        import jax.numpy

        jax.config.update("jax_enable_x64", True)  # NumPy computes in float64; so must the peer
        self.jax, self.numpy = jax, jax.numpy
        self.compile_seconds: Dict[str, float] = {}

    def supports(self, case: Case) -> Optional[str]:
        if self.missing or not self.jitted or case.jit:
            return self.missing
        return "jit not run: it would trace the loop unrolled"

    def prepare(self, case: Case, args: tuple) -> Prepared:
        jax = self.jax
        gradient = jax.grad(with_numpy(case.func, self.numpy), argnums=case.wrt)
        values = [value if np.ndim(value) == 0 else self.numpy.asarray(value) for value in args]
        if self.jitted:
            gradient = jax.jit(gradient)
            start = time.perf_counter()
            jax.block_until_ready(gradient(*values))
            self.compile_seconds[case.name] = time.perf_counter() - start

        def call():
            return jax.block_until_ready(gradient(*values))

        return call, lambda result: tuple(np.asarray(g) for g in result)


class JaxJit(Jax):
    name = "jax-jit"
    jitted = True


class Numba(Peer):
    """adjoint's own derivative compiled by numba (`adjoint.grad(f, backend="numba")`)."""

    name, module = "numba", "numba"

    def load(self) -> None:
        import numba  # noqa: F401

        self.first_call_seconds: Dict[str, float] = {}

    def prepare(self, case: Case, args: tuple) -> Prepared:
        import adjoint

        gradient = adjoint.grad(case.func, wrt=case.wrt if len(case.wrt) > 1 else case.wrt[0], backend="numba")
        start = time.perf_counter()
        gradient(*args)
        self.first_call_seconds[case.name] = time.perf_counter() - start
        return lambda: gradient(*args), _as_tuple


def available_peers() -> List[Peer]:
    return [Autograd(), Torch(), Jax(), JaxJit(), Numba()]
