"""Complex numbers are refused, except those np.fft makes: every other place a complex value
could enter a derivative is an error.

The rules assume real values (the derivative of `abs` is `sign`, `conj` is the identity), so
a complex value flowing through them gives a silently wrong gradient. Complex values enter
through literals (`1j`), through what the function's names refer to (a complex global, the
`complex` type, a complex dtype), through functions that turn real values into complex ones
(`np.emath.*`, `np.roots`, `np.linalg.eig`, `scipy.fft`, ...), and through arguments; the
first three are refused here, at their line, the arguments when the derived function is
called (`refuse_unsupported_arguments`, which also refuses arrays of a class whose operations
are not an ndarray's, as `refuse_complex_values` refuses names of such arrays: see
frontend/argument_values.py). The transforms of np.fft (SPECTRAL) are differentiated:
analysis/complex_flow.py follows the complex values they make through the operations whose
rules are right for complex numbers, and refuses any other.
"""
from __future__ import annotations

import inspect
import sys
from typing import Any, Callable, Iterable, Optional, Tuple

import gast
import numpy as np

from adjoint import nodes
from adjoint.frontend.argument_values import (NUMBERS, array_class, foreign_array, foreign_array_class,
                                              foreign_array_reason, foreign_number, foreign_number_reason, parts)
from adjoint.errors import AdjointError, ArgumentError, Location, NonDifferentiableError, UnsupportedSyntaxError
from adjoint.frontend.parse import MISSING, ParsedFunction, parse_function
from adjoint.frontend.resolve import qualified_name, resolve
from adjoint.frontend.names import module_of

COMPLEX_MODULES = ("cmath", "numpy.fft", "numpy.lib.scimath", "scipy.fft", "scipy.fftpack")
COMPLEX_FUNCTIONS = (np.roots, np.linalg.eig, np.linalg.eigvals, np.sort_complex)
# The functions of np.fft adjoint differentiates (or whose output is a constant).
SPECTRAL = (
    np.fft.fft, np.fft.ifft, np.fft.rfft, np.fft.irfft, np.fft.fft2, np.fft.ifft2, np.fft.rfft2,
    np.fft.irfft2, np.fft.fftn, np.fft.ifftn, np.fft.rfftn, np.fft.irfftn, np.fft.fftshift, np.fft.ifftshift,
)
SPECTRAL_CONSTANTS = (np.fft.fftfreq, np.fft.rfftfreq)
# scipy.fft's transforms and shifts compute the values of np.fft's of the same name (with pocketfft both):
# each stands for np.fft's (numpy_transform), in the analysis of complex values and in their rules.
SCIPY_TRANSFORMS = ("fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn", "rfftn",
                    "irfftn", "fftshift", "ifftshift")
FOREIGN_CONSTRUCTS = ("array class", "number class")
HINT = ("adjoint differentiates real values only; write the computation with real and imaginary parts "
        "as separate real arrays")


def refuse_complex_values(parsed: ParsedFunction, local_names: frozenset) -> None:
    """Raise UnsupportedSyntaxError at the first complex literal, complex object or
    complex-making function the function refers to."""
    passed = {}  # id -> an object read at an earlier node and found to be none of these (held here)
    for stmt in parsed.node.body:
        for node in nodes.walk(stmt):
            loaded = node.__class__ in (gast.Name, gast.Attribute) and node.ctx.__class__ is gast.Load
            obj = resolve(node, parsed, local_names) if loaded else MISSING  # once for the three checks
            if loaded and passed.get(id(obj), passed) is obj:
                continue  # (`np`, `math.sin`, a local name: read at many nodes, checked once)
            maker = _complex_maker(obj)
            if maker is not None:
                raise NonDifferentiableError(
                    qualified_name(maker),
                    f"`{_dotted(node)}` returns complex values: {HINT}, or give a real-valued function of your own "
                    "that calls it a rule (@adjoint.register_adjoint, @adjoint.register_tangent)",
                    parsed.info.location(node))
            reason = _complex_object_reason(obj, node) if loaded else _complex_reason(node)
            if reason is not None:
                raise UnsupportedSyntaxError("complex", f"{reason}: {HINT}", parsed.info.location(node))
            _refuse_foreign_values(obj, node, parsed)
            if loaded:
                passed[id(obj)] = obj
    defaults = list(getattr(parsed.func, "__defaults__", None) or ())
    defaults += list((getattr(parsed.func, "__kwdefaults__", None) or {}).values())
    if any(holds_complex(value) for value in defaults):
        raise UnsupportedSyntaxError("complex", f"a default argument value is complex: {HINT}",
                                     parsed.info.location(parsed.node))


def _refuse_foreign_values(obj: Any, node: gast.expr, parsed: ParsedFunction) -> None:
    """An array that is not an ndarray, or a number whose operations are not a float's, that a name
    holds; a class or a function that makes such arrays."""
    other = foreign_array(obj) if isinstance(obj, (np.ndarray, list, tuple)) else None
    reason = None if other is None else f"is or holds {foreign_array_reason(other)}"
    maker = foreign_array_class(obj) if obj is not MISSING else None
    if maker is not None:
        reason = (f"makes arrays of the class {maker}, whose operations are not an ndarray's (the derivative "
                  "rules are an ndarray's); compute with ndarrays")
    number = foreign_number(obj) if isinstance(obj, NUMBERS) else None
    if number is not None:
        reason = f"is {foreign_number_reason(number)}"
    if reason is not None:
        raise UnsupportedSyntaxError(FOREIGN_CONSTRUCTS[number is not None],
                                     f"`{_dotted(node)}` {reason}", parsed.info.location(node))


def refuse_foreign_values_again(error: AdjointError) -> None:
    """Raise error again where it refuses an array that is not an ndarray, or a number whose operations
    are not a float's, that a function makes: a call of it gives one, differentiated or not."""
    if isinstance(error, UnsupportedSyntaxError) and error.construct in FOREIGN_CONSTRUCTS:
        raise error


def _complex_reason(node: gast.AST) -> Optional[str]:
    """What makes this node, a literal, a dtype keyword or a cast, complex."""
    if isinstance(node, gast.Constant):
        if isinstance(node.value, complex):
            return f"the complex literal `{node.value!r}`"
        return None
    if isinstance(node, gast.keyword) and node.arg == "dtype" and _is_complex_dtype_text(node.value):
        return f"the complex dtype {node.value.value!r}"
    if isinstance(node, gast.Call) and getattr(node.func, "attr", None) == "astype":
        if any(_is_complex_dtype_text(arg) for arg in node.args):
            return "a cast to a complex dtype"
        return None
    return None


def _complex_object_reason(obj: Any, node: gast.expr) -> Optional[str]:
    if obj is MISSING:
        return None
    text = _dotted(node)
    if obj is complex or (inspect.isclass(obj) and issubclass(obj, np.complexfloating)):
        return f"`{text}` makes complex values"
    if holds_complex(obj):
        return f"`{text}` holds a complex value"
    return None


def numpy_transform(obj: Any) -> Any:
    """np.fft's function of obj's name when obj is that transform (or shift) of scipy.fft, obj otherwise.
    SciPy is not imported here: a function of scipy.fft exists only once the user's code imported it."""
    scipy_fft = sys.modules.get("scipy.fft")
    name = getattr(obj, "__name__", None) if scipy_fft is not None else None
    if name in SCIPY_TRANSFORMS and getattr(scipy_fft, name, None) is obj:
        return getattr(np.fft, name)
    return obj


def _complex_maker(obj: Any) -> Optional[Callable]:
    """obj, what a name refers to, when it is a function that makes complex values from real ones
    (np.fft.fft, ...)."""
    if obj is MISSING or not callable(obj) or inspect.isclass(obj):
        return None
    if any(numpy_transform(obj) is f for f in SPECTRAL + SPECTRAL_CONSTANTS):
        return None
    if any(obj is f for f in COMPLEX_FUNCTIONS) or _in_complex_module(obj):
        return obj
    return None


def _in_complex_module(obj: Any) -> bool:
    module = module_of(obj)
    return any(module == name or module.startswith(name + ".") for name in COMPLEX_MODULES)


def _is_complex_dtype_text(node: gast.expr) -> bool:
    if not isinstance(node, gast.Constant) or not isinstance(node.value, str):
        return False
    try:
        return np.dtype(node.value).kind == "c"
    except TypeError:
        return False


def _is_complex_value(obj: Any) -> bool:
    if isinstance(obj, (complex, np.complexfloating)):
        return True
    return isinstance(obj, np.ndarray) and obj.dtype.kind == "c"


def _dotted(node: gast.expr) -> str:
    if isinstance(node, gast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return getattr(node, "id", type(node).__name__)


# ----- arguments --------------------------------------------------------------------------

def holds_complex(value: Any) -> bool:
    """Whether value is complex or holds a complex value (see argument_values.parts)."""
    return any(_is_complex_value(part) for part in parts(value))


def may_hold_complex(value: Any) -> bool:
    """Whether an argument of this type can be complex without its type saying so (arrays,
    containers, objects); Python and NumPy numbers are told apart by type alone."""
    return not isinstance(value, (float, int, bool, str, np.generic)) and value is not None


def refuse_unsupported_arguments(names: Iterable[Tuple[str, Any]], what: str, func: Optional[Callable] = None) -> None:
    """Raise ArgumentError naming the first (parameter, value) pair holding a complex value or an
    array of a class whose operations are not an ndarray's (at the parameter's line in func's
    source, when func is given)."""
    for name, value in names:
        reason = next(filter(None, map(_unsupported, parts(value))), None)  # one walk of what it holds
        if reason is not None:
            location = parameter_location(func, name) if func is not None else None
            raise ArgumentError(f"the argument `{name}` of {what} {reason}", location)


def _unsupported(part: Any) -> Optional[str]:
    if _is_complex_value(part):
        return f"holds complex values; {HINT}"
    other = array_class(part)
    if other is not None:
        return f"is or holds {foreign_array_reason(other)}"
    number = foreign_number(part)
    return None if number is None else f"is or holds {foreign_number_reason(number)}"


def parameter_location(func: Callable, name: str) -> Optional[Location]:
    try:
        parsed = parse_function(func)
    except AdjointError:
        return None
    arguments = parsed.node.args
    for arg in arguments.posonlyargs + arguments.args + arguments.kwonlyargs:
        if arg.id == name:
            return parsed.info.location(arg)
    return parsed.info.location(parsed.node)
