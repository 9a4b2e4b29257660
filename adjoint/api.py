"""The public transformations: grad, value_and_grad, vjp and source, each turning `wrt` into Options."""
from __future__ import annotations

import functools
import importlib
import inspect
import sys
import threading
import types
import weakref
from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Union

import numpy as np

from adjoint import pullbacks, runtime
from adjoint.analysis.kinds import kind_of_value
from adjoint.backend import cache as disk_cache, dispatch, numba as compiled
from adjoint.errors import AdjointError, ArgumentError, WrtError
from adjoint.frontend.complex_values import holds_complex, refuse_unsupported_arguments
from adjoint.frontend.dependencies import guards_of
from adjoint.frontend.parse import SourceUnavailableError, has_python_source, unwrap
from adjoint.frontend.values import (as_function, instance_of, item_classes, listed_classes, specialization_of,
                                     specialize, specialized_for_call)
from adjoint.generated import Generated, not_differentiated_again
from adjoint.options import Options
from adjoint.pipeline import generate
from adjoint.rules.table import Revision

Wrt = Union[int, str, Sequence[Union[int, str]]]

_GENERATED: "weakref.WeakKeyDictionary[Callable, Dict[Options, Generated]]" = weakref.WeakKeyDictionary()
_LOCK = threading.RLock()
_describe = dispatch.describe


def parameter_names(func: Callable) -> Tuple[str, ...]:
    parameters = list(inspect.signature(unwrap(func)).parameters.values())[len(_bound_instance(func)):]
    return tuple(p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))


def _bound_instance(func: Callable) -> tuple:
    """(instance,) for a bound method, whose derivative takes the instance first; () otherwise."""
    return (func.__self__,) if inspect.ismethod(func) else ()


def resolve_wrt(func: Callable, wrt: Wrt) -> Tuple[Tuple[str, ...], bool]:
    """Parameter names for `wrt`, and whether the caller asked for a tuple."""
    if not has_python_source(func):
        what = "not a Python function defined with `def`" if callable(func) else "not callable"
        raise SourceUnavailableError(f"{func!r} is {what}; adjoint differentiates source code (a builtin or "
                                     "NumPy function is differentiated where a Python function calls it)")
    if not_differentiated_again(func):
        raise SourceUnavailableError(f"{_describe(func)} is a derived function adjoint does not differentiate again: of the "
                                     "derived functions, grad's and value_and_grad's (without has_aux) are; differentiate "
                                     "a function that computes what it gives with grad or value_and_grad")
    names, many, resolved = parameter_names(func), isinstance(wrt, (tuple, list)), []
    for item in (wrt if many else (wrt,)):
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise WrtError(f"wrt entries must be parameter positions or names, not {item!r}")
        if isinstance(item, int):
            if not -len(names) <= item < len(names):
                raise WrtError(f"wrt={item} is out of range: {_describe(func)} has {len(names)} parameters {names}"
                               + _rest_note(func))
            resolved.append(names[item])
        elif item not in names and item in dict(instance_of(func)):
            raise WrtError(f"wrt={item!r} names the object of {_describe(func)}; its attributes are constants")
        elif item not in names:
            raise WrtError(f"wrt={item!r} is not a parameter of {_describe(func)}; its parameters are {names}"
                           + _rest_note(func))
        else:
            resolved.append(item)
    if not resolved:
        raise WrtError("wrt must name at least one parameter")
    return tuple(resolved), many


def _rest_note(func: Callable) -> str:
    """How to differentiate with respect to what a function receives through `*args` or `**kwargs`."""
    parameters = inspect.signature(unwrap(func)).parameters.values()
    rest = [p for p in parameters if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if not rest:
        return ""
    star = "*" if rest[0].kind == rest[0].VAR_POSITIONAL else "**"
    return (f"; what `{star}{rest[0].name}` receives is differentiated where a function calls "
            f"{_describe(func)}: differentiate a function with named parameters that calls it "
            f"(`lambda a, b: {getattr(func, '__name__', 'f')}(a, b)`)")


def derivative_of(func: Callable, options: Options) -> Generated:
    """The generated derivative for (func, options), from the cache or freshly generated."""
    with _LOCK:
        per_function = _GENERATED.setdefault(func, {})
        key = (options, Revision.value)
        generated = per_function.get(key)
        if generated is None or not generated.is_current():
            generated = compiled.by_backend(disk_cache.generate_cached(func, options, generate), func, options)
            per_function[key] = generated
            generated.warn()
        return generated


def _kinds(func: Callable, args: tuple, kwargs: dict) -> Tuple[Tuple[str, str], ...]:
    bound = inspect.signature(unwrap(func)).bind(*args, **kwargs)  # sorted as materialize asks: one generation
    return tuple(sorted((name, kind_of_value(value)) for name, value in bound.arguments.items()))


class _Specializing:
    """A derivative that generates code specialized to the argument types it is called with."""

    def __init__(self, func: Callable, mode: str, wrt: Tuple[str, ...], optimize: bool, verbose: bool, backend: str):
        self.func = func
        self.mode, self.wrt, self.backend = mode, wrt, Options(backend=backend).backend  # see backend/numba.py
        self.optimize, self.options = optimize, functools.partial(Options, mode, wrt, optimize, backend=self.backend)
        self.verbose = verbose
        self.by_types: Dict[tuple, Callable] = {}
        self.unchecked: Dict[tuple, Callable] = {}  # argument types -> what to call, with no check on each call
        self.guards: dispatch.Guards = {}  # the code and defaults an unchecked entry holds, compared on each call
        self.pick = dispatch.picker(self.unchecked)  # args -> unchecked[their types], or None
        self.cached_call: Optional[dispatch.CachedCall] = None  # grad's and value_and_grad's: see repick
        self.checked: Dict[tuple, tuple] = {}
        self.checkers: Dict[tuple, Callable] = {}
        self.listed: Dict[tuple, Tuple[tuple, Callable]] = {}  # (types, item classes) -> (key, target)
        self.revision = Revision.value
        self.bound = _bound_instance(func)

    def generated_for(self, kinds: Tuple[Tuple[str, str], ...]) -> Tuple[Callable, list]:
        """The function generated for arguments of these kinds (a bound method's takes the instance
        first, bound to it) and its generation's dependencies: derivatives of derivatives read it."""
        instance = instance_of(self.func) if self.bound else ()
        if instance and kinds is not None:
            kinds = tuple(sorted(kinds + ((instance[0][0], kind_of_value(instance[0][1])),)))
        made = derivative_of(self.func, self.options(kinds))
        classes = getattr(specialization_of(self.func), "classes", ())  # of the records it was made for
        return (specialize(made.function, bound=instance, classes=classes) if instance or classes
                else made.function), made.dependencies

    def repick(self) -> None:
        """The general path for now: the picker, and the derived function's whole cached call, are
        written for the unchecked types once WRITE_AFTER_CALLS calls have asked for them."""
        self.calls_before_writing = dispatch.WRITE_AFTER_CALLS
        if not self.unchecked or self.calls_before_writing <= 0:
            self._write()
            return
        self.pick = self._written_later
        if self.cached_call is not None:
            self.cached_call.unwritten()

    def _written_later(self, args: tuple) -> Optional[Callable]:
        """The picker until the picker and the cached call are written: None (the general path)."""
        self.calls_before_writing -= 1
        if self.calls_before_writing > 0:
            return None
        self._write()
        return self.pick(args)

    def _write(self) -> None:
        self.pick = dispatch.picker(self.unchecked, self.guards)
        if self.cached_call is not None:
            self.cached_call.update(self.unchecked, self.revision, self.guards)

    def checked_call(self, args: tuple, kwargs: dict) -> Callable:
        """What grad and value_and_grad call for types without an unchecked entry: dtypes looked at here."""
        cached = self.by_types.get(dispatch.call_key(args, kwargs)) if not kwargs and self.revision == Revision.value else None
        if cached is None or (cached[1] and any(args[i].dtype.kind == "c" for i in cached[1])):
            return self.lookup(args, kwargs)  # refuses a complex argument
        return cached[0]

    def _specialized(self, args: tuple, kwargs: dict) -> Tuple[tuple, tuple, Callable]:
        """The function values of the call, its key in the tables, and the function to differentiate."""
        key = dispatch.call_key(args, kwargs)
        listed = (key, item_classes(args)) if self.listed and not kwargs else None
        if listed in self.listed:  # a list of records as before: no signature bound again
            return (), *self.listed[listed]
        fixed, target = specialized_for_call(self.func, args, kwargs)  # function values: keyed by identity
        keyed = fixed + listed_classes(target)  # and the class of the records a list argument holds
        if not keyed:
            return fixed, key, target
        full = (key, tuple((name, id(value)) for name, value in keyed))
        if not fixed and not kwargs:
            self.listed[(key, item_classes(args))] = (full, target)
        return fixed, full, target

    def lookup(self, args: tuple, kwargs: dict) -> Callable:
        if self.revision != Revision.value:
            for table in (self.by_types, self.unchecked, self.checked, self.checkers, self.guards, self.listed):
                table.clear()
            self.revision = Revision.value
            self.repick()
        fixed, key, target = self._specialized(args, kwargs)
        entry = self.by_types.get(key)
        function = entry[0] if entry is not None else None
        checked = self.checked.get(key)
        if checked is not None:
            function = checked[0] if checked[1].is_current() else None
        if function is None:
            checker = self.checkers[key] = dispatch.complex_checker(self.func, self.bound, args, kwargs)
            options = self.options(_kinds(self.func, self.bound + args, kwargs))
            generated = derivative_of(target, options)
            if self.verbose:
                print(generated.source)
            function = generated.function
            if self.mode == "forward_pass":
                function = (function, generated.backward)
            if self.bound:  # a bound method: the generated function takes the instance first
                function = _with_instance(function, self.bound, self.mode)
            if generated.dependencies:  # calls other functions: checked on each call, never cached blindly
                self.checked[key] = (function, generated)
                if self.mode in ("reverse", "value_and_grad") and not fixed:
                    self.by_types[key] = dispatch.cache_entry(generated.while_current(function, self.lookup), checker, self.mode)
                    entry = dispatch.cache_entry(function, checker, self.mode)  # defaults alone: compared by the cached call
                    dispatch.guard(self.unchecked, self.guards, key, entry[0],
                                   None if kwargs or entry[1] else guards_of(generated.dependencies))
                    self.repick()
            else:
                entry = self.by_types[key] = dispatch.cache_entry(function, checker, self.mode)
                self.unchecked.update({} if kwargs or entry[1] else {key: entry[0]})  # nothing to check per call
                self.repick()
        else:
            self.checkers[key](args, kwargs)
        return function


def _with_instance(function: Callable, bound: tuple, mode: str) -> Callable:
    if mode == "vjp":  # vjp_f(cotangent, self, ...)
        return lambda cotangent, *args, **kwargs: function(cotangent, *bound, *args, **kwargs)
    if mode == "forward_pass":  # (fwd_f(self, ...), bwd_f(cotangent, residuals))
        return functools.partial(function[0], *bound), function[1]
    return functools.partial(function, *bound)


def _as_plain_function(func: Callable, call: Callable, prefix: str,
                       specializing: Optional[_Specializing] = None) -> Callable:
    call.__name__ = f"{prefix}_{getattr(func, '__name__', 'f')}"
    if specializing is not None:
        call.__adjoint_generated__ = specializing.generated_for
    call.__qualname__ = call.__name__
    call.__doc__ = f"{prefix} of {_describe(func)} (generated by adjoint)."
    call.__signature__ = inspect.signature(func if inspect.ismethod(func) else unwrap(func))
    call.__adjoint_primal__ = _primal_of(func)
    if specializing is not None and specializing.cached_call is not None:
        call.__adjoint_attach__ = specializing.cached_call.attach
    return call


def _attach_nothing(derived) -> None:
    """For a derived function with no cached call of its own."""


class Derived:
    """What grad, value_and_grad, vjp and jvp return: the derived function, picklable.

    `__call__` is a slot of each instance holding the function to run (the cached call sets
    it), so a call reads one slot rather than running an extra Python frame or a property.
    A pickle holds the recipe, not the code: the receiving process finds the object by name
    (`@adjoint.grad` on a module-level def) or applies the transformation again (served by
    its disk cache when warm).
    """

    __slots__ = ("__call__", "_recipe", "__dict__", "__weakref__")

    def __init__(self, call: Callable, recipe: tuple):
        functools.update_wrapper(self, call)
        self.__call__ = call
        self._recipe = recipe
        getattr(call, "__adjoint_attach__", _attach_nothing)(self)  # the cached call may become __call__

    def __reduce__(self):
        transform, func, args, kwargs = self._recipe
        module, name = getattr(func, "__module__", None), getattr(func, "__qualname__", "")
        try:
            by_name = _find(module, name) is self
        except Exception:  # not importable here: send the recipe
            by_name = False
        if by_name:
            return _find, (module, name)
        return _rebuild, (transform, func, args, kwargs)

    def __copy__(self):
        """Itself, as the copy module copies a function (copy.deepcopy of arguments holding one too)."""
        return self

    def __deepcopy__(self, memo):
        return self

    def __get__(self, instance, owner=None):
        """Read from an object, a method bound to it, as a function is: `@adjoint.grad` on a `def` in a
        class body, then `model.dloss(x)`, takes the object as its first argument."""
        return self if instance is None else types.MethodType(self, instance)

    def __repr__(self) -> str:
        return f"<derived function {self.__qualname__}>"

    @property
    def __adjoint_origin__(self) -> Callable:
        """The user's function this derives, through any nesting (grad(grad(f)) gives f)."""
        func = self._recipe[1]
        return getattr(func, "__adjoint_origin__", func)


def _find(module: str, qualname: str) -> Any:
    """The object `module.qualname` (how a pickled derived function defined by name comes back)."""
    found: Any = sys.modules.get(module) or importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def _rebuild(transform: Callable, func: Callable, args: tuple, kwargs: dict) -> Derived:
    return transform(func, *args, **kwargs)


def transformation(transform):
    """Lets `transform` be used as `t(f, ...)`, `@t` and `@t(wrt=...)`; the result is a Derived."""

    @functools.wraps(transform)
    def wrapper(func: Optional[Callable] = None, *args, **kwargs):
        if func is None:
            return lambda f: wrapper(f, *args, **kwargs)
        func = as_function(func)
        return Derived(transform(func, *args, **kwargs), (wrapper, func, args, kwargs))

    wrapper.__adjoint_transformation__ = transform.__name__  # normalize/derived_calls.py
    return wrapper


@transformation
def grad(func: Callable, wrt: Wrt = 0, *, optimize: bool = True, verbose: bool = False,
         has_aux: bool = False, backend="python") -> Callable:
    """The gradient of scalar-valued `func` with respect to `wrt` (a position, a name, or a tuple).

    With `has_aux=True`, func returns a pair `(loss, aux)` and the derived function returns
    `(gradient of loss, aux)`, as in JAX.
    """
    names, many = resolve_wrt(func, wrt)
    if has_aux:
        pair = vjp(func, wrt, optimize=optimize, verbose=verbose, backend=backend)
        return _as_plain_function(func, pullbacks.gradient_and_aux(pair, "grad", _describe(func)), "grad")
    specializing = _Specializing(func, "reverse", names, optimize, verbose, backend)

    one_in_tuple = many and len(names) == 1
    failed = dispatch.failure("grad", func)

    def gradient(*args, **kwargs):
        function = specializing.pick(args)  # the cached call: the argument types compared, inline
        if function is None or kwargs or specializing.revision != Revision.value:
            function = specializing.checked_call(args, kwargs)
        try:
            result = function(*args, **kwargs)
        except (runtime.NonScalarOutput, runtime.Refused) as error:
            raise failed(error) from None
        if type(result) is not float and type(result) is not np.ndarray and dispatch.is_complex(result):
            raise failed(runtime.ComplexValue("a gradient is complex"))
        return (result,) if one_in_tuple else result

    specializing.cached_call = dispatch.cached_call(gradient, dispatch.GRAD_TAIL, one_in_tuple, failed)
    return _as_plain_function(func, gradient, "grad", specializing)


@transformation
def value_and_grad(func: Callable, wrt: Wrt = 0, *, optimize: bool = True, verbose: bool = False,
                   has_aux: bool = False, backend="python") -> Callable:
    """`(func(*args), gradient)` from a single forward pass; with `has_aux=True`, func returns
    `(loss, aux)` and the derived function `((loss, aux), gradient of loss)`, as in JAX."""
    names, many = resolve_wrt(func, wrt)
    if has_aux:
        pair = vjp(func, wrt, optimize=optimize, verbose=verbose, backend=backend)
        return _as_plain_function(func, pullbacks.value_aux_and_gradient(pair, "value_and_grad", _describe(func)),
                                  "value_and_grad")
    specializing = _Specializing(func, "value_and_grad", names, optimize, verbose, backend)

    failed = dispatch.failure("value_and_grad", func)

    def value_and_gradient(*args, **kwargs):
        function = specializing.pick(args)
        if function is None or kwargs or specializing.revision != Revision.value:
            function = specializing.checked_call(args, kwargs)
        try:
            value, gradient = function(*args, **kwargs)
        except (runtime.NonScalarOutput, runtime.Refused) as error:
            raise failed(error) from None
        if type(gradient) is not float and type(gradient) is not np.ndarray and dispatch.is_complex(gradient):
            raise failed(runtime.ComplexValue("a gradient is complex"))
        return value, ((gradient,) if many and len(names) == 1 else gradient)

    specializing.cached_call = dispatch.cached_call(value_and_gradient, dispatch.VALUE_AND_GRAD_TAIL,
                                                    many and len(names) == 1, failed)
    return _as_plain_function(func, value_and_gradient, "value_and_grad", specializing)


@transformation
def vjp(func: Callable, wrt: Wrt = 0, *, optimize: bool = True, verbose: bool = False, backend="python") -> Callable:
    """`(func(*args), pullback)`; `pullback(cotangent)` returns the gradient(s) of <cotangent, func>."""
    names, many = resolve_wrt(func, wrt)
    specializing = _Specializing(func, "forward_pass", names, optimize, verbose, backend)
    failed = dispatch.failure("vjp", func)

    def value_and_pullback(*args, **kwargs):
        forward, backward = specializing.lookup(args, kwargs)
        try:
            value, residuals = forward(*args, **kwargs)
        except (runtime.NonScalarOutput, runtime.Refused) as error:  # a derived function's, differentiated
            raise failed(error) from None
        kept = pullbacks.Residuals(residuals, [*specializing.bound, *args, *kwargs.values()])

        def pullback(cotangent):
            pullbacks.check_cotangent(value, cotangent, f"vjp of {_describe(func)}")
            refuse_unsupported_arguments([("cotangent", cotangent)], f"the pullback of {_describe(func)}")
            try:
                gradient = backward(pullbacks.as_float(cotangent), kept.as_left())
            except (runtime.NonScalarOutput, runtime.Refused) as error:
                raise failed(error) from None
            if type(gradient) is not float and type(gradient) is not np.ndarray and dispatch.is_complex(gradient):
                raise dispatch.refused_at_run_time("vjp", func, runtime.ComplexValue("a gradient is complex"))
            return (gradient,) if many and len(names) == 1 else gradient

        return value, pullback

    return _as_plain_function(func, value_and_pullback, "vjp")


@transformation
def jvp(func: Callable, wrt: Wrt = 0, *, optimize: bool = True, verbose: bool = False, backend="python") -> Callable:
    """Forward mode: `(*args, *tangents) -> (func(*args), tangent of the output)`, one tangent per wrt entry."""
    names, _ = resolve_wrt(func, wrt)
    specializing = _Specializing(func, "forward", names, optimize, verbose, backend)
    count = len(names)
    failed = dispatch.failure("jvp", func)

    def value_and_tangent(*args, **kwargs):
        if len(args) < count:
            raise ArgumentError(f"jvp of {_describe(func)} takes its arguments followed by {count} tangent(s)")
        primal, tangents = args[:-count], args[-count:]
        try:
            function = specializing.lookup(primal, kwargs)
        except AdjointError:
            raise
        except TypeError as error:
            raise ArgumentError(
                f"jvp of {_describe(func)}: {error} (pass the arguments, then one tangent for each of {names})"
            ) from None
        tangents = pullbacks.checked_tangents(func, specializing.bound + primal, kwargs, names, tangents,
                                              f"jvp of {_describe(func)}")  # (complex ones refused too)
        try:
            value, tangent = runtime.refuse_undefined(  # eigenvectors' tangent at a repeated eigenvalue
                function(*primal, **kwargs, **dict(zip(dispatch.tangent_keywords(function, count), tangents))))
        except (runtime.NonScalarOutput, runtime.Refused) as error:  # a derived function's, differentiated
            raise failed(error) from None
        if holds_complex(value) or holds_complex(tangent):
            raise dispatch.refused_at_run_time("jvp", func, runtime.ComplexValue("the value or its tangent is complex"))
        return value, tangent

    return _as_plain_function(func, value_and_tangent, "jvp", specializing)


@transformation
def hvp(func: Callable, wrt: Wrt = 0, *, optimize: bool = True) -> Callable:
    """Hessian-vector product by forward over reverse: `(*args, v) -> H @ v` (one v per wrt entry)."""
    names, many = resolve_wrt(func, wrt)
    forward_over_reverse = jvp(grad(func, wrt=names if many else names[0], optimize=optimize), wrt=names,
                               optimize=optimize)

    def hessian_vector_product(*args, **kwargs):
        product = forward_over_reverse(*args, **kwargs)[1]
        if not many:
            return product
        return (product,) if len(names) == 1 else tuple(product)

    return _as_plain_function(func, hessian_vector_product, "hvp")


def source(func: Callable, mode: str = "reverse", wrt: Wrt = 0, optimize: bool = True,
           args: Optional[Sequence[Any]] = None) -> str:
    """The generated source of `func`'s derivative.

    Without `args` the code works for any argument types; with example `args` it is the
    code specialized to their types, as `grad` generates when called with them.
    """
    names, _ = resolve_wrt(func, wrt)
    if args is not None:
        dispatch.complex_checker(func, _bound_instance(func), tuple(args), {})
    kinds = _kinds(func, _bound_instance(func) + tuple(args), {}) if args is not None else None
    func = specialized_for_call(func, tuple(args), {})[1] if args is not None else func
    return derivative_of(func, Options(mode, names, optimize, kinds)).source


def _primal_of(func: Callable) -> Callable:
    """The function whose parameters a (possibly derived) function takes."""
    return getattr(func, "__adjoint_primal__", func)
