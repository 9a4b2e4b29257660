"""How errors name a callee of a library: by the public module users import it from.

SciPy defines its functions in private modules (`scipy.special._logsumexp`), gives its ufuncs
no module at all, and its distributions are instances whose methods are bound methods;
`public_name` finds `scipy.special.logsumexp`, `scipy.special.erf`, `scipy.stats.norm.logpdf`.
`rule_template` is the `register_adjoint` (or `register_tangent`) a refusal suggests.
"""
from __future__ import annotations

import inspect
import sys
from typing import Any, List, Optional

LIBRARIES = ("scipy", "numpy")
UFUNC_HOMES = ("numpy", "scipy.special")  # where a ufunc without a module may come from


def _public_module(module: str) -> str:
    """`scipy.special` for `scipy.special._logsumexp`: the module path up to its first private part."""
    parts = module.split(".")
    public = []
    for part in parts:
        if part.startswith("_"):
            break
        public.append(part)
    return ".".join(public)


def _attribute_of(module_name: str, value: Any) -> Optional[str]:
    """The name under which the (already imported) module `module_name` holds `value`, if it does."""
    module = sys.modules.get(module_name)
    if module is None:
        return None
    name = getattr(value, "__name__", None)
    if isinstance(name, str) and getattr(module, name, None) is value:
        return name
    for key, held in sorted(vars(module).items()):
        if held is value and not key.startswith("_"):
            return key
    return None


def public_name(func: Any) -> Optional[str]:
    """`scipy.special.erf` for a function of a library reached from a public module, else None."""
    if inspect.ismethod(func) and not inspect.ismodule(func.__self__):
        home = public_name(func.__self__)
        return f"{home}.{func.__name__}" if home else None
    module = module_of(func)
    candidates = [_public_module(module)] if module else []
    if type(func).__name__ == "ufunc":
        candidates += list(UFUNC_HOMES)
    for candidate in candidates:
        if candidate.split(".")[0] in LIBRARIES:
            name = _attribute_of(candidate, func)
            if name is not None:
                return f"{candidate}.{name}"
    return None


def _parameters(func: Any, positional: int, keywords: List[str]) -> List[str]:
    """The rule's parameters: the callee's own names where its signature gives them, else x0, x1, ..."""
    try:
        params = [p for p in inspect.signature(func).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params[:positional]]
    names += [f"x{i}" for i in range(len(names), positional)]
    return names + [k for k in keywords if k not in names]


def rule_template(spelled: str, func: Any, positional: int, keywords: List[str], kind: str = "adjoint") -> str:
    """The rule a user would write for `spelled`, with the call's arguments as parameters."""
    params = _parameters(func, positional, keywords) if func is not None else [f"x{i}" for i in range(positional)]
    lines = [f"    @adjoint.register_{kind}({spelled})", f"    def _(result, {', '.join(params)}):"]
    if kind == "adjoint":
        lines += [f"        d[{param}] = d[result] * ...  # d {spelled} / d {param}" for param in params]
    else:
        lines.append(f"        d[result] = {' + '.join(f'd[{p}] * ...' for p in params)}")
    return "\n".join(lines)


FIXED_STEPS = ("adjoint differentiates an integrator written as a fixed-step loop (e.g. Runge-Kutta steps in "
               "`for step in range(steps):`); write the solver that way, or register a rule")
_POSITIONS = ("adjoint differentiates this iterator where a `for` loop or a comprehension runs over it, or sum, "
              "list, tuple, sorted, max or min consumes it at once, over lists, tuples, arrays or ranges and with "
              "a literal width; elsewhere write the loops over the positions")
_UNORDERED = ("a set's order is not the order of its items, so no derivative follows values through it: a set "
              "(or a set comprehension) may hold values the derivative does not flow through (indices, labels); "
              "keep these in a list")
ADVICE = {
    "scipy.integrate.odeint": FIXED_STEPS,
    "scipy.integrate.solve_ivp": FIXED_STEPS,
    "scipy.integrate.quad": "write the integral as a weighted sum of the integrand's values on a fixed grid",
    "map": "a `map` is differentiated where sum, max, min, list, tuple, sorted, any or all consumes it at once, "
           "or a `for` loop runs over it; elsewhere write a comprehension (`[f(v) for v in xs]`)",
    "filter": "a `filter` is differentiated where sum, max, min, list, tuple, sorted, any or all consumes it at "
              "once, or a `for` loop runs over it; elsewhere write a comprehension (`[v for v in xs if test(v)]`)",
    "itertools.combinations": f"{_POSITIONS} (`for i in range(n): for j in range(i + 1, n):` for pairs)",
    "itertools.combinations_with_replacement": f"{_POSITIONS} (`for i in range(n): for j in range(i, n):` for pairs)",
    "itertools.permutations": f"{_POSITIONS} (`for i in range(n): for j in range(n): if i != j:` for pairs)",
    "itertools.product": f"{_POSITIONS} (`for i in range(n): for j in range(m):` for pairs)",
    "itertools.starmap": "write a comprehension that unpacks each item (`sum(a * b for a, b in pairs)`)",
    "set": _UNORDERED,
    "frozenset": _UNORDERED,
    "adjoint.tree.map": "adjoint's tree functions are not differentiated inside a differentiated function; write the "
                        "step as a comprehension over the container (`{k: p[k] - lr * g[k] for k in p}`)",
}


def module_of(obj: Any) -> str:
    """obj's `__module__`, "" where it names none: a class may hold `__module__` as a slot of its
    objects (Cython's functions, `np.random.default_rng` in some NumPy builds), which the class then
    gives as a descriptor, not a string."""
    module = getattr(obj, "__module__", None)
    return module if isinstance(module, str) else ""


def class_module(obj: Any) -> str:
    """The module of obj's class (see module_of)."""
    return module_of(type(obj))


def is_distribution(obj: Any) -> bool:
    """A SciPy distribution object (`scipy.stats.norm`, `scipy.stats.poisson`), which calling freezes."""
    module = class_module(obj)
    return module.startswith("scipy.stats.") and callable(obj) and (hasattr(obj, "logpdf") or hasattr(obj, "logpmf"))


# the methods of a univariate distribution that return one float64 per broadcast element
ELEMENTWISE_METHODS = frozenset({"pdf", "logpdf", "pmf", "logpmf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"})


def is_elementwise_method(func: Any) -> bool:
    """`stats.norm.logpdf` (ELEMENTWISE_METHODS of a distribution): its value is a float64 array or
    number."""
    return getattr(func, "__name__", None) in ELEMENTWISE_METHODS and is_distribution(getattr(func, "__self__", None))


def is_frozen_distribution(obj: Any) -> bool:
    """A frozen SciPy distribution (`norm(0.0, 1.0)`): an object of scipy.stats with a distribution's
    methods that is not itself a distribution."""
    module = class_module(obj)
    return (module.startswith("scipy.stats.") and not is_distribution(obj)
            and (hasattr(obj, "logpdf") or hasattr(obj, "logpmf")))


def _is_frozen_method(func: Any) -> bool:
    """A method of a frozen SciPy distribution (`prior.logpdf` for `prior = norm(0.0, 1.0)`)."""
    return inspect.ismethod(func) and is_frozen_distribution(getattr(func, "__self__", None))


def no_rule_message(label: str, spelled: str, func: Any, call, kind: str = "adjoint") -> str:
    """Why a call of `label` (spelled `spelled` by its module) is refused, and the rule to write."""
    if is_distribution(func):
        return (f"`{label}(...)` freezes the SciPy distribution {spelled} into an object, whose derivative "
                f"adjoint does not follow; call its method on the parameters instead: `{label}.logpdf(x, ...)` "
                f"(or freeze and call in one expression: `{label}(...).logpdf(x)`)")
    if _is_frozen_method(func):
        return (f"`{label}` is a method of a frozen SciPy distribution held outside the function (a global, an "
                f"attribute), which adjoint does not differentiate; freeze it in the function, or call the "
                f"distribution's own method with the parameters instead "
                f"(`norm.logpdf(x, loc, scale)` for `norm(loc, scale).logpdf(x)`)")
    if spelled in ADVICE:
        return f"no derivative rule for `{label}` ({spelled}): {ADVICE[spelled]}"
    if inspect.isclass(func) and spelled.split(".")[0] not in LIBRARIES and func.__module__ != "builtins":
        return (f"`{label}(...)` builds an object of the class `{label}` from values the derivative flows "
                f"through, and adjoint does not follow derivatives through the state of objects it constructs "
                f"(it does for a NamedTuple or a dataclass whose constructor only stores the fields, each "
                f"given or defaulting to a number, and for a class whose `__init__` only stores each of its "
                f"parameters in an attribute); build the object outside the differentiated function and "
                f"differentiate its bound method (`adjoint.grad(obj.method)`), or hold the values in a "
                f"NamedTuple or a plain dataclass")
    register = "register_adjoint" if kind == "adjoint" else "register_tangent"
    keywords = [k.arg for k in call.keywords if k.arg]
    name = spelled if spelled.split(".")[0] in LIBRARIES else label
    template = rule_template(name, func, len(call.args), keywords, kind)
    rule = "derivative rule" if kind == "adjoint" else "tangent rule"
    return (f"no {rule} for `{label}` ({spelled}) and no Python source to differentiate; register one with "
            f"@adjoint.{register}({name}):\n\n{template}\n\nor declare it constant with "
            f"adjoint.non_differentiable({name})")
