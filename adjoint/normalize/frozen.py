"""SciPy distributions frozen into a local variable: `prior = norm(mu, sigma)` then `prior.logpdf(x)`.

The freezing assignment becomes assignments of its arguments to fresh names (the values the frozen
object holds, taken where it was frozen), and each method call freezes again in the call itself,
`norm(prior_loc, prior_scale).logpdf(x)`, which desugar turns into `norm.logpdf(x, prior_loc,
prior_scale)`: the rule of the distribution's method, with respect to the value and the parameters.

This holds when the name is only ever a frozen distribution of one family frozen with the same
arguments' form, and is only read to call a method with a rule (logpdf, cdf, ...). Anything else
done with it (passed to a function, returned, `prior.mean()`, assigned something else too, read by
a nested function) is refused at the line that does it.

A distribution frozen outside the function (a global `PRIOR = norm(0.0, 1.0)`, an attribute) holds
parameters that are not differentiated: `PRIOR.logpdf(x)` becomes `stats.norm.logpdf(x,
PRIOR.args[0], PRIOR.args[1])`, the parameters read from the object where the call is (the
derivative depends on the name still holding that object). multivariate_normal and dirichlet
keep theirs as `mean` and `cov`, `alpha`.
"""
from __future__ import annotations

import copy
from typing import Any, Callable, Dict, List, Optional, Tuple

import gast

from adjoint import nodes
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.names import is_distribution, is_frozen_distribution
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import resolve
from adjoint.frontend.values import dependencies_of, resolve_value
from adjoint.normalize.desugar import DISTRIBUTION_METHODS

CONSTRUCT = "frozen distribution"


def _freezes(node: gast.AST, parsed: ParsedFunction, local_names: frozenset) -> Optional[Any]:
    """The SciPy distribution `node` freezes when it is `name = distribution(...)`, else None."""
    if not (isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name)
            and isinstance(node.value, gast.Call)):
        return None
    distribution = resolve(node.value.func, parsed, local_names)
    return distribution if is_distribution(distribution) else None


def _shape(call: gast.Call) -> tuple:
    """How a freezing call passes its arguments: how many positionally, which keywords."""
    return len(call.args), tuple(k.arg for k in call.keywords)


class _Frozen:
    """One name holding a frozen distribution: its freezing assignments and the names of their arguments."""

    def __init__(self, name: str, distribution: Any, freeze: gast.Call, fresh: Callable[[str], str]):
        self.name = name
        self.distribution = distribution
        self.family = freeze.func
        self.shape = _shape(freeze)
        self.positional = [fresh(f"{name}_arg{i}") for i in range(len(freeze.args))]
        self.keywords = {k.arg: fresh(f"{name}_{k.arg}") for k in freeze.keywords}

    def arguments(self, freeze: gast.Assign) -> List[gast.stmt]:
        """`prior_arg0 = mu` ... for `prior = norm(mu, ...)`."""
        call = freeze.value
        values = list(zip(self.positional, call.args)) + [(self.keywords[k.arg], k.value) for k in call.keywords]
        kept = [nodes.copy_location(nodes.assign(target, value), freeze) for target, value in values]
        return kept or [nodes.copy_location(gast.Pass(), freeze)]

    def refrozen(self) -> gast.Call:
        """`norm(prior_arg0, ..., loc=prior_loc)`: the freezing call on the names of its arguments."""
        return gast.Call(func=copy.deepcopy(self.family), args=[nodes.name(n) for n in self.positional],
                         keywords=[gast.keyword(arg=k, value=nodes.name(n)) for k, n in self.keywords.items()])


class _Rewrite(nodes.Transformer):
    def __init__(self, frozen: Dict[str, _Frozen]):
        self.frozen = frozen

    def visit_Assign(self, node):
        if isinstance(node.targets[0], gast.Name) and node.targets[0].id in self.frozen:
            return self.frozen[node.targets[0].id].arguments(node)
        return self.generic_visit(node)

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and func.value.id in self.frozen:
            func.value = nodes.copy_location(self.frozen[func.value.id].refrozen(), func.value)
        return node


def _refuse(parsed: ParsedFunction, node: gast.AST, message: str) -> UnsupportedSyntaxError:
    return UnsupportedSyntaxError(CONSTRUCT, message, parsed.info.location(node))


def _method_calls(func_node: gast.FunctionDef) -> set:
    """The Name nodes read as `name.method(...)` (which methods: _check_methods)."""
    found = set()
    for node in nodes.walk(func_node):
        if (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
                and isinstance(node.func.value, gast.Name)):
            found.add(node.func.value)
    return found


def _check_uses(parsed: ParsedFunction, entry: _Frozen, freezes: set, called: set) -> None:
    """Refuses every use of entry's name but its freezing assignments and calls of its methods with rules."""
    for node in nodes.walk(parsed.node):
        if not isinstance(node, gast.Name) or node.id != entry.name:
            continue
        if isinstance(node.ctx, gast.Store) and node not in freezes:
            raise _refuse(parsed, node, f"`{entry.name}` holds a frozen SciPy distribution and is assigned "
                                        "something else too; give each its own name")
        if isinstance(node.ctx, gast.Del):
            raise _refuse(parsed, node, f"deleting `{entry.name}`, a frozen SciPy distribution, is not supported")
        if isinstance(node.ctx, gast.Load) and node not in called:
            raise _refuse(parsed, node, f"`{entry.name}` holds a frozen SciPy distribution, which adjoint "
                                        "differentiates only in calls of its methods (`"
                                        f"{entry.name}.logpdf(x)`); pass its parameters instead of the object")


def _check_methods(parsed: ParsedFunction, entry: _Frozen) -> None:
    for node in nodes.walk(parsed.node):
        if (isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id == entry.name
                and (node.attr not in DISTRIBUTION_METHODS or not hasattr(entry.distribution, node.attr))):
            raise _refuse(parsed, node, f"`{entry.name}.{node.attr}` of a frozen SciPy distribution is not "
                                        f"differentiated; adjoint has rules for the methods "
                                        f"{', '.join(sorted(DISTRIBUTION_METHODS))} where the family has them")


def _held_parameters(frozen: Any, owner: gast.expr) -> Optional[Tuple[Any, list, list]]:
    """(the public distribution, positional and keyword parameter expressions read from `owner`) for a
    frozen distribution object, or None for one whose parameters adjoint does not know how to read."""
    import scipy.stats  # a frozen distribution exists, so SciPy does

    def read(attribute: str, *index) -> gast.expr:
        node = nodes.attribute(copy.deepcopy(owner), attribute)
        return gast.Subscript(value=node, slice=gast.Constant(value=index[0], kind=None), ctx=gast.Load()) if index \
            else node

    kind = type(frozen).__name__
    if kind == "multivariate_normal_frozen" and not frozen.allow_singular:
        return scipy.stats.multivariate_normal, [read("mean"), read("cov")], []
    if kind == "dirichlet_frozen":
        return scipy.stats.dirichlet, [read("alpha")], []
    dist = getattr(frozen, "dist", None)
    public = getattr(scipy.stats, getattr(dist, "name", ""), None)
    if not (is_distribution(public) and type(public) is type(dist) and isinstance(getattr(frozen, "args", None), tuple)
            and isinstance(getattr(frozen, "kwds", None), dict)):
        return None
    return (public, [read("args", i) for i in range(len(frozen.args))],
            [gast.keyword(arg=key, value=read("kwds", key)) for key in frozen.kwds])


class _HeldOutside(nodes.Transformer):
    """`PRIOR.logpdf(x)` -> `stats.norm.logpdf(x, PRIOR.args[0], ...)` for distributions frozen outside."""

    def __init__(self, parsed: ParsedFunction, fresh: Callable[[str], str], local_names: frozenset):
        self.parsed = parsed
        self.fresh = fresh
        self.local_names = local_names
        self.stats_name: Optional[str] = None

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if not _is_method_call(node):
            return node
        frozen = resolve_value(func.value, self.parsed, self.local_names)
        if not is_frozen_distribution(frozen) or not hasattr(frozen, func.attr):
            return node
        held = _held_parameters(frozen, func.value)
        if held is None:
            return node
        public, args, keywords = held
        self.parsed.dependencies.extend(dependencies_of(func.value, self.parsed, frozen))
        family = nodes.attribute(nodes.name(self._stats()), _public_attribute(public))
        call = gast.Call(func=nodes.attribute(family, func.attr), args=node.args + args,
                         keywords=node.keywords + keywords)
        return nodes.copy_location(call, node)

    def _stats(self) -> str:
        """A name under which the function reaches scipy.stats."""
        import scipy.stats

        if self.stats_name is None:
            found = self.parsed.lookup("stats")
            self.stats_name = "stats" if found is scipy.stats and "stats" not in self.local_names else self.fresh(
                "_stats")
            self.parsed.namespace[self.stats_name] = scipy.stats
        return self.stats_name


def _is_method_call(node: gast.AST) -> bool:
    """`d.logpdf(x)`: a call of a method of distributions (of anything, as far as the tree shows)."""
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr in DISTRIBUTION_METHODS


def _public_attribute(public: Any) -> str:
    import scipy.stats

    return next(name for name, value in vars(scipy.stats).items() if value is public and not name.startswith("_"))


def unfreeze_distributions(parsed: ParsedFunction, fresh: Callable[[str], str], local_names: frozenset) -> None:
    """Rewrites the distributions frozen into local names of parsed's function, and the calls of the
    methods of distributions frozen outside it (see the module docstring)."""
    every = nodes.every_node(parsed.node)
    if any(_is_method_call(node) for node in every):  # else _HeldOutside would leave every node as it is
        let_go(parsed.node)
        _HeldOutside(parsed, fresh, local_names).visit(parsed.node)
        every = nodes.every_node(parsed.node)
    found: Dict[str, _Frozen] = {}
    freezes = set()
    for node in every:
        distribution = _freezes(node, parsed, local_names)
        if distribution is None:
            continue
        name = node.targets[0].id
        entry = found.setdefault(name, _Frozen(name, distribution, node.value, fresh))
        if entry.distribution is not distribution or entry.shape != _shape(node.value):
            raise _refuse(parsed, node, f"`{name}` is frozen from SciPy distributions of different families or "
                                        "with arguments passed differently; give each its own name")
        freezes.add(node.targets[0])
    if not found:
        return
    called = _method_calls(parsed.node)
    declared = {name for node in nodes.walk(parsed.node) if isinstance(node, (gast.Global, gast.Nonlocal))
                for name in node.names}
    for entry in found.values():
        if entry.name in nodes.parameters(parsed.node) or entry.name in declared:
            raise _refuse(parsed, parsed.node, f"`{entry.name}`, a parameter or a global or nonlocal name, is "
                                               "assigned a frozen SciPy distribution; give it a local name of its own")
        _check_uses(parsed, entry, freezes, called)
        _check_methods(parsed, entry)
    let_go(parsed.node)
    _Rewrite(found).visit(parsed.node)
