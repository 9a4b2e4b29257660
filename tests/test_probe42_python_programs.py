"""The programs of probe42_python_programs.py, in every mode against central differences: each
differentiated argument in grad, value_and_grad, vjp, jvp and hvp (and grad of grad for a number), the
values of value_and_grad, vjp and jvp the function's own bit for bit, the arguments left as they were;
refusals naming the user's line in every mode that refuses.

What was wrong:
- a boolean constant times a value (`total += True * x`, `y = True * x`) crashed the derivative's
  generation with AttributeError ('Constant' object has no attribute 'id'): the search for an operand
  of the same shape (ad/recompute.py) took every constant but an int or a float for an array name.
- a class attribute that computes its value from the object it is read through, other than a
  property (functools.cached_property, a descriptor of the user's with `__get__`), was read in the
  derivative as the class's own object: `c.area` of a cached_property crashed with TypeError
  (`'cached_property' + 'cached_property'`) where Python runs. Such a read is refused at its line
  now (normalize/record_methods.py), as a property of a record the function did not build is.
- an object whose attributes are stored through something else than the plain store was built as a
  record holding the values as they were given, silently: a property with a setter (`self.p = p` in
  `__init__`, the setter clipping into [0, 1]: `Probability(1.3).p * x` had the gradient 1 in p where
  Python's is 0), a dataclass with a `__setattr__` of its own (clipping too: gradient 1.2 for 0), a
  descriptor with `__set__` as a class attribute; and a dataclass argument with such a field (`high:
  float = Clipped()`) had its gradient built through that setter (a gradient 1.5 read back clipped
  to 1.0). Such classes are no records now (runtime.plain_attributes): building one from
  differentiated values, or differentiating such an argument's field, is refused at the line.
- a NamedTuple whose class defines `__getitem__` (`Polar(r, theta)[0]`, its x coordinate): the
  gradient a method of it returned for its record, a NamedTuple of that class, was read by index
  through that `__getitem__` (runtime/adjoints.py now reads a NamedTuple derivative's items as a
  tuple's): `Polar(r, theta)[0]` had the gradient 0.887 in r where Python's is cos(theta) = 0.921, at
  r = 0.7, theta = 0.4. And an item of a record whose class defines `__getitem__`, the record a
  method's or an operator's result (`p.scaled(k)[0]`, `(p + q)[1]`), was differentiated as a tuple's
  item (a wrong gradient for a NamedTuple, KeyError for a dataclass): refused at its line now
  (analysis/record_arithmetic.py), as an operator on such a value is; the item of a list of such
  records (`pts[1][0]`) calls the class's `__getitem__` as a known record's does (it crashed with
  KeyError; an operator on such items, `rs[0] + rs[1]`, refused before, calls the class's method
  too: tests/test_probe39_programs.py's records_from_a_list_added is differentiated now).
- a NamedTuple whose class defines `__iter__` (yielding its fields in another order) had jvp's
  tangent of its class, and the gradient of it, built through that `__iter__`: the tangent swapped
  its fields (a derivative of 1.0 where Python's is 2.8), and a number field's gradient was an array
  of the other field's shape. NamedTuple derivatives are read field by field now (own_items). One
  whose class defines `__len__` (a Quadratic of three coefficients whose length is its degree) had
  its negative indices counted from that length in the derivative: `q[-1]` took the tangent of
  q[1] (a jvp of 0.0 for 2.0) and the gradient was refused as lists joined by `+`.
- a dataclass whose class defines `__array__` given to NumPy (`np.asarray(p)`, p an argument) had a
  zero gradient, silently; a list of such records given to np.array crashed with IndexError, and a
  list of them differentiated by jvp crashed too (tangent_like broadcast a record's tangent to the
  shape NumPy gives the record). NumPy given such a value is refused at the line now
  (analysis/undifferentiated.py); the tangents of records keep their fields.

Refused when probed (left as they are): a closure over a list appended to after its definition, and
one writing its `nonlocal` accumulator; lambdas reading the function's variables stored in a dict or a
list, a lambda called through a loop variable, functools.partial objects kept in a list, and
np.vectorize or partial objects called through a variable; `dict.setdefault`, `{**d, ...}` and
`Params(**d)` of a dict the function writes; `d |= {...}`; cached_property and descriptor reads;
methods writing an item of an attribute (`self.w[i] += v`), appending to a dataclass's default_factory
list, or returning `self`; attribute writes on an object that copy.copy made or whose method writes
items, and on an object a helper receives; dataclasses.astuple and dataclasses.asdict (taken for
calls changing their argument); copy.copy of a record; generator functions (`yield`) and
`zip(*[iter(xs)] * 2)`; itertools.cycle; sum(list_of_lists, []); np.apply_along_axis; a list that grows while a loop iterates over it, and a
dict loop writing another key; tuple-assignment swaps of rows or columns of an array (views) and
tuple assignment of items of an array built from a list; writes through every second name (chained
assignment `a = b = np.zeros(n)`, `b = a; a += [...]`, `b = a; a.sort()`, star-unpacked rows,
`x.T[0] += ...`, a sorted view, `a[...] = ` with an alias read later, a shallow copy's items, a
deepcopy of a dict written later, `[x * 1.0] * 3` then `rows[0] += 1`, a list of one inner list
repeated); ufuncs' `out=` (overlapping or not).
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
import probe42_python_programs as programs
from every_mode import check_program, check_refused_at
from soundness import marked_line

RNG = np.random.default_rng(42)
V4 = np.array([0.3, -1.2, 0.8, 1.5])
V5 = np.array([0.3, -1.2, 0.8, 1.5, 0.1])
A3 = np.array([[1.2, 0.4, -0.3], [0.9, 1.8, 0.5], [-0.6, 0.2, 1.5]])

# (name, args, positions, positions whose second derivative is refused)
CASES = [
    ("closure_rebound_after_definition", (0.7, 1.3), (0,), ()),
    ("nested_helpers", (0.7, 1.3), (0,), ()),
    ("helper_defined_in_loop", ([0.3, -1.2, 0.8],), (0,), ()),
    ("pair_energy_comprehension", ([0.3, -1.2, 0.9, 1.5, 0.1],), (0,), ()),
    ("dict_comprehension_of_arrays", (V4,), (0,), ()),
    ("sorted_and_keyed_extrema", ([0.3, -1.2, 0.8, 1.5], 1.3), (0,), ()),
    ("zip_star_pairs_with_keyed_max", ([(0.3, 1.2), (-1.2, 0.4), (0.8, -0.1)],), (0,), ()),
    ("rows_sorted_and_transposed", (A3,), (0,), ()),
    ("star_unpacking", ([0.3, -1.2, 0.8, 1.5], A3), (0, 1), ()),
    ("chain_accumulate_islice", ([0.3, -1.2, 0.8], [0.5, 1.5, -0.3]), (1,), ()),
    ("counts_and_sums_by_key", ([0.3, -1.2, 0.8, 1.5], ["a", "b", "a", "c"]), (0,), ()),
    ("dict_items_scaled_in_place", (0.7, 1.3), (0,), ()),
    ("property_after_mutation", (0.7, 1.3), (1,), ()),
    ("overridden_method_dispatch", (0.7, 1.3), (0,), ()),
    ("namedtuple_updates", (0.7, 1.3), (1,), ()),
    ("lru_cached_helpers", (0.7, 1.3), (0,), ()),
    ("mutable_default_helper", (0.7, 1.3), (0, 1), ()),
    ("early_return_in_while_else", (1.3,), (0,), ()),
    ("early_return_in_while_else", (0.01,), (0,), ()),
    ("recursive_pairwise_sum", ([0.3, -1.2, 0.8, 1.5, 0.1],), (0,), ()),
    ("module_state_read", (np.array([0.3, -1.2, 0.8]),), (0,), ()),
    ("integer_boolean_factors", ([0.3, -1.2, 0.8, 1.5],), (0,), ()),
    ("truthiness_and_defaults", (0.7, 1.3), (0, 1), ()),
    ("truthiness_and_defaults", (0.0, 1.3), (1,), ()),
    ("fsum_round_divmod_abs", ([1.3, -1.2, 0.7],), (0,), ()),
    ("powers_of_negative_bases", (0.7,), (0,), ()),
    ("powers_of_negative_bases", (-0.7,), (0,), ()),
    ("computed_integer_exponents", ([0.3, -1.2, 0.8, 1.5],), (0,), ()),
    ("numpy_scalar_types", (0.7, 1.3), (0, 1), ()),
    ("zero_d_arrays_in_place", (V4,), (0,), ()),
    ("mixed_integer_arrays", (V4,), (0,), ()),
    ("overlapping_slice_writes", (V4,), (0,), ()),
    ("reversed_and_strided_overlaps", (V4,), (0,), ()),
    ("symmetric_in_place", (A3,), (0,), ()),
    ("gaussian_elimination_pivoting", (A3, np.array([0.3, -1.2, 0.8])), (0,), (0,)),
    ("sorts_by_tuple_swaps", ([0.3, -1.2, 0.8, 1.5, 0.1], V5), (0, 1), ()),
    ("loops_writing_ahead", (V4, [0.3, -1.2, 0.8]), (0, 1), ()),
    ("copies_and_second_names", (V4, V4[::-1].copy()), (0,), ()),
    ("arrays_from_python_loops", (V4, A3), (0, 1), ()),
    ("items_of_records", (programs.Polar(0.7, 0.4), 1.3), (0, 1), ()),
    ("points_with_array_protocol", (0.7, 1.3), (0, 1), ()),
    ("quadratic_from_the_end", (programs.Quadratic(0.7, -1.3, 0.4), 1.1), (0, 1), ()),
]


@pytest.mark.parametrize("name, args, positions, first_order_only", CASES,
                         ids=[f"{case[0]}-{n}" for n, case in enumerate(CASES)])
def test_every_argument_in_every_mode(name, args, positions, first_order_only):
    check_program(getattr(programs, name), args, positions, first_order_only=first_order_only)


# (func, args, differentiated positions, marker of the line named)
REFUSED = [
    (programs.closure_over_list_appended, (0.7,), (0,), "closure-list-appended"),
    (programs.nonlocal_accumulator, (0.7, 1.3), (0, 1), "nonlocal-accumulator"),
    (programs.activation_table, (V4, 1.3), (0, 1), "lambda-in-dict"),
    (programs.basis_lambdas, (0.7, [0.3, -1.2, 0.8, 1.5]), (0,), "lambda-in-list"),
    (programs.partials_in_a_list, ([0.3, -1.2, 0.8], 0.4), (0, 1), "partials-in-list"),
    (programs.dict_setdefault, (0.7, 1.3), (0, 1), "dict-setdefault"),
    # a functools.cached_property and a descriptor of the user's: read as the class's object (a crash)
    (programs.cached_property_read, (0.7, 1.3), (0, 1), "cached-property"),
    (programs.descriptor_read, (0.7,), (0,), "user-descriptor"),
    (programs.method_writes_item_of_attribute, ([0.3, -1.2, 0.8, 1.5],), (0,), "method-item-write"),
    (programs.dataclass_default_factory, ([0.3, -1.2, 0.8],), (0,), "dataclass-factory-append"),
    (programs.dataclass_astuple, (0.7, 1.3), (0, 1), "dataclass-astuple"),
    (programs.generator_function, (0.7, 4), (0,), "generator-function"),
    (programs.swap_rows_by_tuple, (A3,), (0,), "swap-rows-by-tuple"),
    (programs.list_grows_while_iterated, ([0.3, -1.2, 0.8],), (0,), "list-grows-in-loop"),
    (programs.shallow_copy_item_write, (V4,), (0,), "shallow-copy-item-write"),
    (programs.deepcopy_of_written_dict, (V4, V4[::-1].copy()), (0, 1), "deepcopy-written-dict"),
    (programs.chained_assignment_write, (V4,), (0,), "chained-assignment-write"),
    (programs.ufunc_out_argument, (V4, V4[::-1].copy()), (0, 1), "ufunc-out"),
    (programs.ellipsis_write_through_alias, (V4,), (0,), "ellipsis-write-alias"),
    (programs.repeated_list_of_one_array, (V4,), (0,), "repeated-list-iadd"),
    (programs.sort_of_a_view, (V4, np.array([0.5, -0.2, 0.9, 1.1])), (0, 1), "sort-of-view"),
    # attributes stored through a property's setter, a dataclass's __setattr__ or a descriptor's __set__
    # (a clip here): built as records storing the value as it is (wrong gradients where the clip bites)
    (programs.property_setter_clips, (1.3, 0.7), (0,), "property-setter"),
    (programs.property_setter_clips, (0.4, 0.7), (0,), "property-setter"),
    (programs.dataclass_setattr_clips, (1.3, 0.7), (0,), "dataclass-setattr"),
    (programs.descriptor_setter_clips, (1.3, 0.7), (0,), "descriptor-setter"),
    (programs.descriptor_field_of_a_parameter, (programs.Bounds(0.2, 0.9), 1.5), (0,), "descriptor-field-parameter"),
    # an item of a record whose class defines __getitem__, the record a method's result (its class unknown
    # until run time): differentiated as a tuple's item (a wrong gradient)
    (programs.item_of_a_method_result, (programs.Polar(0.7, 0.4), 1.3), (0, 1), "item-of-method-result"),
    # NumPy given a record whose class defines __array__ (a zero gradient), or a list of them (a crash)
    (programs.array_of_a_point, (programs.Point(0.7, 1.3),), (0,), "array-of-point"),
    (programs.array_of_points, (0.7, 1.3), (0, 1), "array-of-points"),
]


@pytest.mark.parametrize("func, args, positions, marker", REFUSED, ids=[case[3] for case in REFUSED])
def test_refused_naming_the_users_line(func, args, positions, marker):
    check_refused_at(func, args, positions, f"probe42_python_programs.py:{marked_line(func, marker)}:", RNG)


def test_tangent_of_a_namedtuple_whose_class_iterates_otherwise():
    """jvp's tangent of a NamedTuple argument, of its class, is taken field by field, not by the
    class's own `__iter__` (which yields its fields in another order: the tangent was swapped).
    (check_program cannot run it: copy.deepcopy rebuilds such a NamedTuple through its `__iter__`.)"""
    span, k, eps = programs.Span(0.3, 1.7), 0.6, 1e-6

    def along(tangent):
        moved = [programs.span_energy(programs.Span(span.low + s * tangent.low, span.high + s * tangent.high), k)
                 for s in (eps, -eps)]
        return (moved[0] - moved[1]) / (2 * eps)

    gradient = adjoint.grad(programs.span_energy)(span, k)
    assert type(gradient) is programs.Span
    for tangent in (programs.Span(1.0, 0.0), programs.Span(0.0, 1.0), programs.Span(0.4, -0.9)):
        value, derivative = adjoint.jvp(programs.span_energy)(span, k, tangent)
        assert value == programs.span_energy(span, k)
        np.testing.assert_allclose(derivative, along(tangent), rtol=1e-6)
        np.testing.assert_allclose(gradient.low * tangent.low + gradient.high * tangent.high, along(tangent), rtol=1e-6)


def test_gradient_of_a_namedtuple_whose_class_iterates_otherwise():
    """The gradient of a NamedTuple argument whose class defines `__iter__` is built field by field:
    built by the class's iteration, the number field's gradient was an array of the other's shape."""
    w, k, eps = programs.Weighted(0.7, np.array([0.3, -1.2])), 1.3, 1e-6
    for gradient in (adjoint.grad(programs.weighted_energy)(w, k), adjoint.vjp(programs.weighted_energy)(w, k)[1](1.0)):
        assert type(gradient) is programs.Weighted and type(gradient.weight) is float
        moved = [programs.weighted_energy(programs.Weighted(w.weight + s, w.values), k) for s in (eps, -eps)]
        np.testing.assert_allclose(gradient.weight, (moved[0] - moved[1]) / (2 * eps), rtol=1e-6)
        for i in range(2):
            step = eps * np.eye(2)[i]
            moved = [programs.weighted_energy(programs.Weighted(w.weight, w.values + s * step / eps), k)
                     for s in (eps, -eps)]
            np.testing.assert_allclose(gradient.values[i], (moved[0] - moved[1]) / (2 * eps), rtol=1e-6)
