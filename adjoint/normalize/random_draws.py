"""Random draws whose parameters may be differentiated, written as the standard draws they
scale and shift.

NumPy computes each sample of `normal(loc, scale)` as `loc + scale * z`, of `uniform(low,
high)` as `low + (high - low) * u` and of `exponential(scale)` as `scale * e`, from the draws
z, u, e the same generator gives for `standard_normal`, `random` (`random_sample` for the
legacy state) and `standard_exponential`: the same stream, the same numbers
(tests/test_random_draws.py checks it). Written so, a draw's derivative in its parameters is
the arithmetic's, with the standard draws a constant of the run: 1 and z for normal's loc and
scale (the pathwise, or reparameterization, derivative).

Before (A-normal form)::

    z = rng.normal(mu, sigma, size=5)

After::

    _size1 = draws_shape('normal', 5, mu, sigma)
    _draws1 = rng.standard_normal(_size1)
    _t1 = sigma * _draws1
    z = mu + _t1

The generator must be known when adjoint reads the function: `np.random` (the legacy global
state), a Generator or RandomState that a global name, a closure or a bound method's object
holds (`self.rng`), or a local name each assignment of which makes one
(`rng = np.random.default_rng(seed)`). A draw whose parameters are all constants stays as it is.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Set, Tuple

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.values import dependencies_of, resolve_value

# distribution -> its parameters with their defaults, in NumPy's order (then `size`)
PARAMETERS: Dict[str, Tuple[Tuple[str, float], ...]] = {
    "normal": (("loc", 0.0), ("scale", 1.0)),
    "uniform": (("low", 0.0), ("high", 1.0)),
    "exponential": (("scale", 1.0),),
}
# distribution -> the method giving its standard draws, on a Generator and on the legacy state
STANDARD = {"normal": ("standard_normal", "standard_normal"), "uniform": ("random", "random_sample"),
            "exponential": ("standard_exponential", "standard_exponential")}
# distribution -> the draw written from standard draws (advice where the generator is not known)
FROM_STANDARD = {"normal": "loc + scale * {g}.standard_normal(size)", "uniform": "low + (high - low) * {g}.random(size)",
                 "exponential": "scale * {g}.standard_exponential(size)"}
MAKERS = {np.random.default_rng: True, np.random.Generator: True, np.random.RandomState: False}


def lower_random_draws(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """Rewrite, in parsed.node (in A-normal form), the draws described above."""
    if not any(isinstance(node, gast.Attribute) and node.attr in PARAMETERS for node in nodes.walk(parsed.node)):
        return
    local_names = nodes.local_names(parsed.node)
    made = _Made(parsed, local_names)
    shape_helper = ""
    for block in list(nodes.blocks(parsed.node)):
        rewritten = []
        for stmt in block:
            draw = _draw(stmt, parsed, local_names, made)
            if draw is None:
                rewritten.append(stmt)
                continue
            if not shape_helper:
                shape_helper = parsed.bind("draws_shape", runtime.draws_shape, fresh, local_names)
            rewritten += [nodes.copy_location(new, stmt) for new in _standard_form(stmt, draw, shape_helper, fresh)]
        block[:] = rewritten


def _draw(stmt: gast.stmt, parsed: ParsedFunction, local_names: frozenset,
          made: "_Made") -> Optional[Tuple[str, gast.expr, bool, Dict[str, gast.expr]]]:
    """(distribution, generator, whether it is a Generator, bound arguments) of `x = g.dist(...)`;
    the derivative then depends on what the generator's name held (a global rebound to another
    object must not keep it)."""
    call = stmt.value if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) else None
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr in PARAMETERS):
        return None
    receiver = call.func.value
    held = None if isinstance(receiver, gast.Name) and receiver.id in made else \
        resolve_value(receiver, parsed, local_names)
    new_kind = made.is_generator(receiver.id) if held is None else _generator_kind(held)
    bound = _bound(call, call.func.attr)
    if new_kind is None or bound is None:
        return None
    if not any(isinstance(bound[name], gast.Name) for name, _ in PARAMETERS[call.func.attr]):
        return None  # constants: no derivative to take
    parsed.dependencies.extend(dependencies_of(receiver, parsed, held) if held is not None else
                               made.dependencies(receiver.id, parsed))
    return call.func.attr, receiver, new_kind, bound


def _generator_kind(value) -> Optional[bool]:
    """True for a Generator, False for the legacy state (np.random, a RandomState), None otherwise."""
    if value is np.random or type(value) is np.random.RandomState:  # (a subclass may draw otherwise)
        return False
    return True if type(value) is np.random.Generator else None


class _Made:
    """The local names each store of which assigns a new generator: whether each is a Generator,
    and the calls that make it."""

    def __init__(self, parsed: ParsedFunction, local_names: frozenset):
        stores: Dict[str, int] = {}
        for name in nodes.names_stored(parsed.node):
            stores[name] = stores.get(name, 0) + 1
        makers: Dict[str, List[Tuple[gast.expr, object]]] = {}
        for stmt in nodes.statements(parsed.node):
            target = stmt.targets[0] if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 else None
            if isinstance(target, gast.Name) and isinstance(stmt.value, gast.Call):
                maker = resolve_value(stmt.value.func, parsed, local_names)
                if any(maker is known for known in MAKERS):
                    makers.setdefault(target.id, []).append((stmt.value.func, maker))
        parameters = set(nodes.parameters(parsed.node))
        self.makers = {name: found for name, found in makers.items() if len(found) == stores.get(name)
                       and len({MAKERS[maker] for _, maker in found}) == 1 and name not in parameters}
        self.reported: Set[str] = set()

    def __contains__(self, name: str) -> bool:
        return name in self.makers

    def is_generator(self, name: str) -> bool:
        return MAKERS[self.makers[name][0][1]]

    def dependencies(self, name: str, parsed: ParsedFunction) -> List[Tuple]:
        """What the names of the calls making `name` must still hold (once per name)."""
        if name in self.reported:
            return []
        self.reported.add(name)
        return [dependency for func, maker in self.makers[name] for dependency in dependencies_of(func, parsed, maker)]


def _bound(call: gast.Call, distribution: str) -> Optional[Dict[str, gast.expr]]:
    """The call's arguments by parameter name (defaults filled in); None for another signature."""
    names = [name for name, _ in PARAMETERS[distribution]] + ["size"]
    if len(call.args) > len(names) or any(isinstance(arg, gast.Starred) for arg in call.args):
        return None
    bound = dict(zip(names, call.args))
    for keyword in call.keywords:
        if keyword.arg not in names or keyword.arg in bound:
            return None
        bound[keyword.arg] = keyword.value
    for name, default in PARAMETERS[distribution]:
        bound.setdefault(name, nodes.constant(default))
    bound.setdefault("size", nodes.constant(None))
    return bound


def _standard_form(stmt: gast.Assign, draw, shape_helper: str, fresh: Callable[[str], str]) -> List[gast.stmt]:
    distribution, receiver, new_kind, bound = draw
    parameters = [bound[name] for name, _ in PARAMETERS[distribution]]
    size, draws = fresh("_size"), fresh("_draws")
    shape = nodes.call(nodes.name(shape_helper), [nodes.constant(distribution), bound["size"]] +
                       [nodes.clone(parameter) for parameter in parameters])
    method = STANDARD[distribution][0 if new_kind else 1]
    standard = nodes.call(gast.Attribute(value=receiver, attr=method, ctx=gast.Load()), [nodes.name(size)])
    made = [nodes.assign(size, shape), nodes.assign(draws, standard)]
    target = stmt.targets[0].id
    if distribution == "exponential":  # scale * e
        return made + [nodes.assign(target, nodes.binop(parameters[0], gast.Mult(), nodes.name(draws)))]
    low, spread = parameters[0], parameters[1]
    if distribution == "uniform":  # low + (high - low) * u
        width = fresh("_t")
        made.append(nodes.assign(width, nodes.binop(nodes.clone(parameters[1]), gast.Sub(), nodes.clone(low))))
        spread = nodes.name(width)
    scaled = fresh("_t")
    made.append(nodes.assign(scaled, nodes.binop(spread, gast.Mult(), nodes.name(draws))))
    return made + [nodes.assign(target, nodes.binop(nodes.clone(low), gast.Add(), nodes.name(scaled)))]
