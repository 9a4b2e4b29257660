"""The coverage table: every NumPy, SciPy and `math` function (and operator, array method) with a rule.

    python -m adjoint.coverage > docs/numpy.md

The table is generated from the rule tables, so it lists exactly what is registered;
a test compares docs/numpy.md with `coverage_table()`.
"""
from __future__ import annotations

import operator
from typing import Any, Dict, List

import gast
import numpy as np

from adjoint import runtime
from adjoint.frontend.names import class_module, module_of
from adjoint.frontend.resolve import qualified_name
from adjoint.normalize.desugar import ARRAY_ATTRIBUTES, ARRAY_METHODS
from adjoint.normalize.ufunc_methods import UFUNC_FOLDS
from adjoint.rules.table import ADJOINTS, NON_DIFFERENTIABLE, TANGENTS
from adjoint.templates import is_derivative

FAMILIES = {
    "adjoint.rules.numpy_elementwise": "Elementwise",
    "adjoint.rules.operators": "Operators",
    "adjoint.rules.numpy_reductions": "Reductions",
    "adjoint.rules.numpy_linalg": "Linear algebra",
    "adjoint.rules.numpy_shape": "Construction, shape, joining and indexing",
    "adjoint.rules.numpy_positions": "Construction, shape, joining and indexing",
    "adjoint.rules.numpy_decompositions": "Decompositions",
    "adjoint.rules.numpy_statistics": "Statistics, polynomials, integration and signals",
    "adjoint.rules.numpy_fft": "Fourier transforms and complex values",
}
# A paragraph under a family's table.
NOTES = {
    "Fourier transforms and complex values": (
        "The complex values the transforms make may go through `+`, `-`, `*`, `/`, `**` by a constant, "
        "indexing, reshapes, transposes, flips and rolls, `np.copy`, `np.sum`, `np.mean`, `np.real` (`x.real`), `np.imag` (`x.imag`), `np.abs`, `np.conj` "
        "(`x.conj()`), `np.angle`, the transforms and the shifts; any other operation on them, and a "
        "complex result, is refused at its line. Complex gradients follow autograd's convention "
        "(dL/da - i dL/db for a + ib); the gradient of a real argument is real."),
}
OPERATORS = {
    operator.add: "a + b", operator.sub: "a - b", operator.mul: "a * b", operator.truediv: "a / b",
    operator.pow: "a ** b", operator.mod: "a % b", operator.neg: "-a", operator.pos: "+a",
    operator.matmul: "a @ b", operator.getitem: "a[index]", divmod: "divmod(a, b)",
}
SPECIAL = {runtime.astype: "x.astype(dtype)", runtime.item: "x.item()",
           runtime.summed: "np.sum(x, dtype=, where=, initial=)", runtime.averaged: "np.mean(x, dtype=, where=)",
           runtime.multiplied: "np.prod(x, dtype=, where=, initial=)", runtime.highest: "np.max(x, where=, initial=)",
           runtime.lowest: "np.min(x, where=, initial=)", runtime.log_sum_exp: "np.logaddexp.reduce(x)",
           runtime.running_max: "np.maximum.accumulate(x)", runtime.running_min: "np.minimum.accumulate(x)"}
# The other libraries' rule files, a table a title (SciPy's only when SciPy is installed).
LIBRARIES = {
    "adjoint.rules.scipy_special": "SciPy: scipy.special",
    "adjoint.rules.scipy_special_elementary": "SciPy: scipy.special",
    "adjoint.rules.scipy_special_bessel": "SciPy: scipy.special",
    "adjoint.rules.scipy_stats": "SciPy: scipy.stats",
    "adjoint.rules.scipy_stats_families": "SciPy: scipy.stats",
    "adjoint.rules.scipy_stats_cdfs": "SciPy: scipy.stats",
    "adjoint.rules.scipy_linalg": "SciPy: scipy.linalg",
    "adjoint.rules.scipy_linalg_decompositions": "SciPy: scipy.linalg",
    "adjoint.rules.scipy_linalg_structured": "SciPy: scipy.linalg",
    "adjoint.rules.scipy_linalg_lu": "SciPy: scipy.linalg",
    "adjoint.rules.scipy_spatial": "SciPy: scipy.spatial.distance",
    "adjoint.rules.scipy_integrate": "SciPy: scipy.integrate",
    "adjoint.rules.scipy_signal": "SciPy: scipy.signal",
    "adjoint.rules.scipy_fft": "SciPy: scipy.fft",
    "adjoint.rules.scalar_math": "math and builtins",
    "adjoint.rules.scalar_special": "math and builtins",
    "adjoint.rules.python_statistics": "Python: statistics",
}
# Runtime helpers that stand for a builtin call (max and min of one sequence are rewritten to them).
SEQUENCE_EXTREMA = {runtime.largest: "max(xs)", runtime.smallest: "min(xs)"}


def family(func: Any) -> str:
    """The family (rule file) of func's adjoint, or "" when it is not a NumPy rule."""
    template = ADJOINTS.template(func) or TANGENTS.template(func)
    return FAMILIES.get(template.rule.__module__, "") if template else ""


def numpy_functions() -> List[Any]:
    """Every function with a NumPy rule (adjoint or tangent), in table order; of the runtime
    helpers that share a rule, those a user's spelling stands for (not `a += b`'s: `a + b`'s rule)."""
    registered = {f for f in ADJOINTS.functions() + TANGENTS.functions()
                  if family(f) and (f in SPECIAL or getattr(f, "__module__", None) != runtime.__name__)}
    return sorted(registered, key=lambda f: (list(FAMILIES.values()).index(family(f)), spelling(f)))


def spelling(func: Any) -> str:
    """How a user writes func: `np.linalg.inv`, `a @ b`, `x.astype(dtype)`."""
    if func in OPERATORS:
        return OPERATORS[func]
    if func in SPECIAL:
        return SPECIAL[func]
    module = getattr(func, "__module__", None) or "numpy"
    prefix = "np" + module[len("numpy"):] if module.startswith("numpy") else module
    return f"{prefix}.{func.__name__}"


def _methods() -> Dict[str, List[str]]:
    """np.<name> -> the array methods and attributes that mean it (`x.sum()`, `x.T`)."""
    methods: Dict[str, List[str]] = {}
    for method, target in sorted(ARRAY_METHODS.items()):
        methods.setdefault(f"np.{target}", []).append(f"x.{method}()")
    for attribute, target in sorted(ARRAY_ATTRIBUTES.items()):
        methods.setdefault(f"np.{target}", []).append(f"x.{attribute}")
    for (ufunc, method), target in UFUNC_FOLDS.items():
        methods.setdefault(f"np.{target}", []).append(f"np.{ufunc.__name__}.{method}(x)")
    for ufunc in numpy_functions():  # normalize/ufunc_methods.py: the ufunc of the operands broadcast
        if isinstance(ufunc, np.ufunc) and (ufunc.nin, ufunc.nout) == (2, 1):
            methods.setdefault(spelling(ufunc), []).append(f"np.{ufunc.__name__}.outer(x, y)")
    return methods


def _keywords(func: Any) -> str:
    """The optional arguments of func's rule that are options (`axis`), not operands (einsum's `y`)."""
    template = ADJOINTS.template(func) or TANGENTS.template(func)
    operands = {stmt.targets[0].slice.id for stmt in template.body
                if isinstance(stmt, gast.Assign) and is_derivative(stmt.targets[0])}
    return ", ".join(f"`{name}`" for name in template.params if name in template.defaults and name not in operands)


def coverage_table() -> str:
    """docs/numpy.md: one table per family, then the NumPy functions that are constant."""
    methods = _methods()
    lines = [
        "# Coverage: NumPy, SciPy and math",
        "",
        "Generated by `python -m adjoint.coverage > docs/numpy.md` from the rule tables;",
        "a test fails when this file and the registered rules disagree. *reverse* is `grad`, `vjp`",
        "and `value_and_grad` (an adjoint rule), *forward* is `jvp` (a tangent rule). Keywords are",
        "the optional arguments the rule accepts; any other keyword is refused with",
        "`NonDifferentiableError`.",
    ]
    functions = numpy_functions()
    for name in FAMILIES.values():
        lines += ["", f"## {name}", "", "| function | reverse | forward | keywords | also written |",
                  "|---|---|---|---|---|"]
        for func in (f for f in functions if family(f) == name):
            written = spelling(func)
            also = ", ".join(f"`{m}`" for m in methods.get(written, []) if m != written)
            reverse = "yes" if func in ADJOINTS else "no"
            forward = "yes" if func in TANGENTS else "no"
            lines.append(f"| `{written}` | {reverse} | {forward} | {_keywords(func)} | {also} |")
        if name in NOTES:
            lines += ["", NOTES[name]]
    constant = sorted(spelling(f) for f in NON_DIFFERENTIABLE.functions() if _is_numpy(f))
    lines += ["", "## Constant (derivative zero)", "", ", ".join(f"`{name}`" for name in constant)]
    lines += ["", f"{len(functions)} functions and operators with rules (array methods are rewritten to them); "
              f"{len(constant)} constant."]
    lines += _library_tables()
    others = sum(len(library_functions(module)) for module in LIBRARIES)
    lines += ["", f"{others} SciPy, `math`, `statistics` and builtin functions with rules (SciPy's when SciPy is installed).", ""]
    return "\n".join(lines)


def library_functions(module: str) -> List[Any]:
    """The functions whose rules `module` (a rule file) registers, without the runtime helpers'."""
    registered = ADJOINTS.functions() + TANGENTS.functions()
    found = {f for f in registered if _rule_module(f) == module
             and (f in SEQUENCE_EXTREMA or getattr(f, "__module__", None) != runtime.__name__)}
    return sorted(found, key=library_spelling)


def _rule_module(func: Any) -> str:
    template = ADJOINTS.template(func) or TANGENTS.template(func)
    return template.rule.__module__


def library_spelling(func: Any) -> str:
    """`scipy.stats.norm.logpdf`, `math.sin`, `abs`, `max(xs)`."""
    return SEQUENCE_EXTREMA.get(func) or qualified_name(func)


def _library_tables() -> List[str]:
    lines: List[str] = []
    for title in dict.fromkeys(LIBRARIES.values()):
        functions = sorted((f for module, named in LIBRARIES.items() if named == title
                            for f in library_functions(module)), key=library_spelling)
        if not functions:
            continue
        lines += ["", f"## {title}", "", "| function | reverse | forward | keywords |", "|---|---|---|---|"]
        for func in functions:
            reverse = "yes" if func in ADJOINTS else "no"
            forward = "yes" if func in TANGENTS else "no"
            lines.append(f"| `{library_spelling(func)}` | {reverse} | {forward} | {_keywords(func)} |")
    return lines


def _is_numpy(func: Any) -> bool:
    # NumPy < 2.1 (the last for Python 3.9) gives ufuncs no __module__: their type's is "numpy".
    module = module_of(func) or class_module(func)
    return module == "numpy" or module.startswith("numpy.")


def main() -> None:
    print(coverage_table(), end="")


if __name__ == "__main__":
    main()
