"""Programs written as their users write them (tests/test_probe42_python_programs.py), combining the
Python shapes earlier probes tried one at a time: closures (rebound after definition, defined before
what they read, over closures, mutually recursive), lambdas and partials held in containers,
comprehensions with conditions feeding sums, sorted/min/max by key, zip(*pairs), starred unpacking,
augmented writes to dict items, object attributes and array slices that overlap what they read,
dict.get/setdefault, namedtuple._replace and NamedTuple state updated in a loop, dataclasses with
default factories, methods changing self between reads, properties and cached properties,
functools and itertools helpers, early returns and while/else, recursion, module-level state,
integer and boolean factors and `x or default`, math.fsum, sum(start=), divmod, round, powers of
negative bases, NumPy scalar types and 0-d arrays written in place, loops that write ahead of what
they iterate, swaps by tuple assignment, and copy.copy/copy.deepcopy/np.copy against assignment.
"""
import collections
import copy
import dataclasses
import functools
import itertools
import math
import operator
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np


# ----- Closures and nested functions -----------------------------------------------------------------


def closure_rebound_after_definition(x, k):
    def energy(t):
        return scale * t ** 2 + offset

    offset = k
    scale = k
    first = energy(x)
    for j in range(3):
        scale = k * j + x
        offset = offset * x
        first += energy(x)
    return first + energy(k)


def nested_helpers(x, y):
    def outer(a):
        def inner(b):
            return a * b + x
        return inner(y) * a

    def even(k, v):
        return v if k == 0 else odd(k - 1, v * x)

    def odd(k, v):
        return v if k == 0 else even(k - 1, v + y)

    def power(k):
        return 1.0 if k == 0 else x * power(k - 1)

    return outer(x) + outer(y) + even(3, 1.0) + power(3)


def helper_defined_in_loop(xs):
    acc = 0.0
    for i, x in enumerate(xs):
        def weight(t):
            return t * (i + 1) + acc
        acc = acc + weight(x) * 0.5
    return acc


def closure_over_list_appended(x):
    coeffs = [x]

    def poly(t):
        return sum(c * t ** i for i, c in enumerate(coeffs))

    low = poly(0.5)
    coeffs.append(x * x)  # <- closure-list-appended
    return low + poly(1.5)


def nonlocal_accumulator(x, y):
    total = 0.0

    def add(v):
        nonlocal total
        total += v

    for k in range(3):
        add(x ** k * y)  # <- nonlocal-accumulator
    return total


# ----- Lambdas and partials in containers ----------------------------------------------------------


def activation_table(x, w):
    acts = {"tanh": lambda v: np.tanh(v), "square": lambda v: v * v * w}  # <- lambda-in-dict
    return np.sum(acts["tanh"](x)) + np.sum(acts["square"](x))


def basis_lambdas(x, c):
    basis = [lambda t: 1.0, lambda t: t, lambda t: t * t, lambda t: math.sin(t)]
    return sum(ci * b(x) for ci, b in zip(c, basis))  # <- lambda-in-list


def weighted(x, w, shift):
    return w * (x - shift) ** 2


def partials_in_a_list(xs, shift):
    terms = [functools.partial(weighted, w=1.0 + i, shift=shift) for i in range(len(xs))]  # <- partials-in-list
    return functools.reduce(lambda acc, pair: acc + pair[0](pair[1]), zip(terms, xs), 0.0)


# ----- Comprehensions, sorting and keyed extrema ------------------------------------------------------


def pair_energy_comprehension(xs):
    close = sum((a - b) ** 2 for i, a in enumerate(xs) for j, b in enumerate(xs) if i < j and abs(a - b) < 2.0)
    chunks = [xs[i:i + 2] for i in range(0, len(xs), 2)]
    return close + sum(max(c) * len(c) + sum(c) for c in chunks)


def dict_comprehension_of_arrays(x):
    parts = {f"p{i}": x[i:] * (i + 1) for i in range(len(x)) if i % 2 == 0}
    return sum(np.sum(v ** 2) for v in parts.values()) + sum(len(k) for k in parts)


def sorted_and_keyed_extrema(xs, w):
    scored = sorted(((x * w, i) for i, x in enumerate(xs)), key=lambda p: abs(p[0]), reverse=True)
    order = sorted(range(len(xs)), key=xs.__getitem__)
    best = min(range(len(xs)), key=lambda i: xs[i] ** 2)
    ranked = sum(xs[i] * (r + 1) for r, i in enumerate(order))
    return sum(s for s, _ in scored[:2]) + scored[-1][0] * 0.5 + ranked + xs[best] * w


def zip_star_pairs_with_keyed_max(pairs):
    xs, ys = zip(*pairs)
    best = max(pairs, key=lambda p: p[1])
    worst = min(zip(xs, ys), key=lambda p: p[0] * p[1])
    return sum(map(operator.mul, xs, ys)) + best[0] * 2.0 + worst[1] + max(map(abs, xs))


def rows_sorted_and_transposed(M):
    rows = sorted(M, key=lambda r: float(r[0]))
    best = max(M, key=lambda r: float(np.sum(r)))
    total = float(np.sum(rows[0] * 2.0 + rows[-1])) + float(best @ best)
    for j, col in enumerate(zip(*M)):
        total += sum(c * (j + 1) for c in col) + max(col) * min(col)
    return total


def star_unpacking(xs, M):
    first, *middle, last = xs
    middle[0] = middle[0] * 3.0
    middle.append(first * last)
    head, *tail = M
    tail[0] = tail[0] * 2.0
    return sum(middle) + xs[1] * first + float(np.sum(head * sum(tail)))


def chain_accumulate_islice(xs, ys):
    running = list(itertools.accumulate(xs, lambda u, v: u * 0.5 + v))
    merged = list(itertools.islice(itertools.chain(running, ys), 1, None, 2))
    every = list(itertools.chain.from_iterable([xs, ys, [x * y for x, y in zip(xs, ys)]]))
    peaks = list(itertools.accumulate(every, max))
    return (sum(v * v for v in merged) + sum(itertools.accumulate(ys, initial=1.0)) + sum(peaks)
            + functools.reduce(operator.mul, ys, 1.0))


# ----- Dicts, attributes and records --------------------------------------------------------------------


def counts_and_sums_by_key(xs, labels):
    sums = {}
    counts = collections.defaultdict(int)
    for x, label in zip(xs, labels):
        sums[label] = sums.get(label, 0.0) + x
        counts[label] += 1
    return sum(sums[k] ** 2 / counts[k] for k in sorted(sums))


def dict_items_scaled_in_place(x, y):
    d = {"k": x * 1.0, "j": y}
    d["k"] *= y
    d["j"] -= d["k"]
    d["k"] **= 2
    return d["k"] + d["j"] * x + d.get("missing", y)


def dict_setdefault(x, y):
    d = {}
    d.setdefault("a", 1.0)  # <- dict-setdefault
    d["a"] *= x
    return d["a"] * y


class Rect:
    def __init__(self, w, h):
        self.w = w
        self.h = h

    @property
    def area(self):
        return self.w * self.h

    def stretch(self, k):
        self.w *= k


def property_after_mutation(w, h):
    r = Rect(w, h)
    a0 = r.area
    r.stretch(h)
    r.h += w
    return a0 + r.area


class Circle:
    def __init__(self, r):
        self.r = r

    @functools.cached_property
    def area(self):
        return math.pi * self.r ** 2


def cached_property_read(r, k):
    c = Circle(r)
    a0 = c.area  # <- cached-property
    c.r = c.r * k
    return a0 + c.area + c.r


class Doubled:
    """A descriptor of the user's: the class attribute computes a value from the object read."""

    def __get__(self, obj, owner=None):
        return self if obj is None else obj.r * 2.0


class Disc:
    diameter = Doubled()

    def __init__(self, r):
        self.r = r


def descriptor_read(r):
    disc = Disc(r)
    return disc.diameter * r + Disc(r).diameter  # <- user-descriptor


class Accumulator:
    def __init__(self, n):
        self.w = [0.0] * n

    def add(self, i, v):
        self.w[i] += v


def method_writes_item_of_attribute(xs):
    acc = Accumulator(3)
    for i, x in enumerate(xs):
        acc.add(i % 3, x * x)  # <- method-item-write
    return acc.w[0] * acc.w[1] + acc.w[2]


class Base:
    def __init__(self, a):
        self.a = a

    def energy(self, t):
        return self.scale(t) * 2.0

    def scale(self, t):
        return t


class Derived(Base):
    def scale(self, t):
        return t * self.a * self.a


def overridden_method_dispatch(a, t):
    return Derived(a).energy(t) + Base(a).energy(t)


Params = collections.namedtuple("Params", "mu sigma")


class State(NamedTuple):
    x: float
    v: float
    t: float = 0.0


def namedtuple_updates(mu, sigma):
    p = Params(mu, sigma)
    q = p._replace(sigma=p.sigma * 2.0)
    r = q._replace(mu=q.mu + p.sigma)
    mu2, sigma2 = r
    s = State(mu, 0.0)
    for _ in range(3):
        s = s._replace(v=s.v - sigma * s.x * 0.1, t=s.t + 0.1)
        s = s._replace(x=s.x + s.v * 0.1)
    return p.mu * q.sigma + r.mu ** 2 + mu2 * sigma2 + len(r) + s.x * s.t + s.v


@dataclass
class Running:
    total: float = 0.0
    history: list = field(default_factory=list)

    def push(self, v):
        self.total += v
        self.history.append(self.total)


def dataclass_default_factory(xs):
    r = Running()
    for x in xs:
        r.push(x * x)  # <- dataclass-factory-append
    return r.total + sum(r.history)


@dataclass(frozen=True)
class Gauss:
    mu: float
    sigma: float


def dataclass_astuple(mu, sigma):
    g = Gauss(mu, sigma)
    h = dataclasses.replace(g, sigma=g.sigma * 2.0)
    m, s = dataclasses.astuple(h)  # <- dataclass-astuple
    return g.mu * m * s


# ----- functools, control flow, recursion and module state -------------------------------------------------


@functools.lru_cache(maxsize=None)
def cached_grid(n):
    return tuple(i / n for i in range(n))


@functools.lru_cache(maxsize=None)
def cached_square_plus(x, k):
    return x * x + k


def lru_cached_helpers(a, b):
    grid = cached_grid(4)
    quadrature = sum(math.exp(-a * t) * b for t in grid) + sum(cached_grid(4)) * a
    return quadrature + cached_square_plus(a, 2) * cached_square_plus(b, 3) + cached_square_plus(0.5, 1)


def collect(v, seen=[]):
    return v * v


def mutable_default_helper(x, y):
    return collect(x) + collect(y) + collect(x * y)


def early_return_in_while_else(x):
    y = x
    n = 0
    while n < 20:
        y = 0.5 * (y + 2.0 / y)
        n += 1
        if abs(y * y - 2.0) < 1e-3:
            break
    else:
        return y * 0.0
    for k in range(5):
        if k * y > 3.0:
            return y * k + x
    return y * x


def recursive_pairwise_sum(xs):
    if len(xs) == 1:
        return xs[0]
    mid = len(xs) // 2
    return recursive_pairwise_sum(xs[:mid]) * 1.5 + recursive_pairwise_sum(xs[mid:])


SETTINGS = {"decay": 0.9, "terms": 4}
OFFSETS = np.array([0.1, -0.2, 0.3])


def module_state_read(x):
    total = 0.0
    for k in range(SETTINGS["terms"]):
        total += SETTINGS["decay"] ** k * np.sum((x - OFFSETS) ** 2) / (k + 1)
    return total


def generator_function(x, n):
    def terms():
        t = x
        for k in range(n):
            yield t / (k + 1)  # <- generator-function
            t = t * x

    return sum(terms())


# ----- Integers, booleans, rounding and powers ----------------------------------------------------------


def integer_boolean_factors(xs):
    total = 0.0
    for i, x in enumerate(xs):
        total += x * (i % 2) + True * x - (x > 0) * x * x + (i // 2) * x
    return total * (len(xs) > 2)


def truthiness_and_defaults(x, y):
    scale = x or 1.0
    shift = 0.0 or y
    t = (x and y) * 2.0 + (y and x) * 3.0
    if x:
        t += x * y
    if not y:
        t += 1.0
    w = [x, y][bool(x > y)]
    return scale * y + shift * x + t + w * (not x) + w * (x > 0) + (x != 0) * y


def fsum_round_divmod_abs(xs):
    q, r = divmod(xs[0], 0.5)
    s = math.fsum([x * x for x in xs])
    k = round(xs[1] * 3.0)
    j = int(xs[2] * 5.0)
    return (s + r * q + abs(xs[1]) + round(xs[2], 3) * 0.0 + round(xs[2] * 7.0) + sum(xs, start=0.5) * xs[1]
            + xs[0] * k + xs[2] ** j)


def powers_of_negative_bases(x):
    return (-x) ** 3 + (x - 2.0) ** 2 + x ** -2 + (-2.0) ** 3 * x + (x - 2.0) ** 2.0 + x ** 0 + (-x) ** 4.0


def computed_integer_exponents(xs):
    n = len(xs)
    total = 0.0
    for i, x in enumerate(xs):
        total += x ** (i - 2) + (-x) ** n + (x - xs[0]) ** i
    return total


def numpy_scalar_types(x, y):
    a = np.float64(x) * 2.0 + y
    b = np.float32(0.5) * a
    z = np.array(0.3, dtype=np.float32)
    s = np.sum(np.array([x, y]))
    m = np.max(np.array([x, y]))
    t = (s * 2.0 if isinstance(s, float) else s * 3.0) + (m * 5.0 if type(m) is np.float64 else m * 7.0)
    v = float(s)
    t = t + (v * 17.0 if type(v) is float else v * 19.0) + (x * 2.0 if isinstance(x * y, float) else x)
    return float(a * b) + float(z) * x + np.float64(x) ** 2 + y * float(z) + t


def zero_d_arrays_in_place(x):
    s = np.zeros(())
    s += x[0]
    s *= x[1]
    s[...] = s + x[2]
    t = np.array(x[3])
    t **= 2
    acc = np.float32(0.0)
    for v in x:
        acc = acc + v * v
    return float(s) + float(t) + s.item() * 2.0 + float(acc) + x.sum().item()


def mixed_integer_arrays(x):
    idx = np.arange(len(x))
    idx += 1
    w = np.array([1, 2, 3, 4])
    y = x * idx + w / (x * x + 1.0)
    y[w % 2 == 0] *= 2
    z = np.zeros_like(w, dtype=float)
    z[1:] = y[:-1] * idx[:-1]
    run = np.maximum.accumulate(x)
    outer = np.subtract.outer(x, x)
    return float(np.sum(y * z)) + float(np.sum(run)) + float(np.sum(outer ** 2)) + float(np.add.reduce(x * x))


# ----- In-place NumPy: overlapping slices, swaps, views and copies -------------------------------------


def overlapping_slice_writes(x):
    a = x * 1.0
    a[1:] = a[:-1]
    b = x ** 2
    b[:-1] = b[1:] * 2.0
    c = x * 1.0
    c[1:] += c[:-1]
    d = np.exp(x)
    d[:-1] *= d[1:]
    return np.sum(a * np.arange(1.0, len(x) + 1)) + np.sum(b * a) + np.sum(c * d)


def reversed_and_strided_overlaps(x):
    a = x * 1.0
    a[:] = a[::-1]
    b = x ** 2
    b[::2] = b[1::2]
    c = np.exp(x)
    c[::-1] += c
    d = x * 1.0
    d[[0, 1]] = d[[1, 0]]
    return np.sum(a * np.arange(1.0, 5.0)) + np.sum(b * a) + np.sum(c * x) + np.sum(d * np.arange(4.0))


def symmetric_in_place(M):
    a = M * 1.0
    a += a.T
    b = M ** 2
    b -= b.mean()
    b /= b.sum() + 3.0
    c = M * 1.0
    c[[0, 2]] = c[[2, 0]]
    return float(np.sum(a * b)) + float(np.sum(a[0])) + float(np.sum(c * np.arange(1.0, 10.0).reshape(3, 3)))


def gaussian_elimination_pivoting(A, b):
    M = np.column_stack([A, b])
    n = len(b)
    for k in range(n):
        p = k + int(np.argmax(np.abs(M[k:, k])))
        if p != k:
            M[[k, p]] = M[[p, k]]
        for i in range(k + 1, n):
            M[i, k:] -= M[i, k] / M[k, k] * M[k, k:]
    x = np.zeros(n)
    for i in range(n - 1, -1, -1):
        x[i] = (M[i, -1] - M[i, i + 1:n] @ x[i + 1:]) / M[i, i]
    return float(np.sum(x ** 2))


def sorts_by_tuple_swaps(xs, x):
    v = list(xs)
    a = x * 1.0
    n = len(v)
    for i in range(n):
        for j in range(n - 1 - i):
            if v[j] > v[j + 1]:
                v[j], v[j + 1] = v[j + 1], v[j]
            if a[j] < a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
    return sum(w * (k + 1) for k, w in enumerate(v)) + float(a @ np.arange(1.0, n + 1))


def swap_rows_by_tuple(M):
    work = M * 1.0
    work[0], work[2] = work[2], work[0]  # <- swap-rows-by-tuple
    return float(np.sum(work * np.arange(1.0, 10.0).reshape(3, 3)))


def loops_writing_ahead(x, xs):
    a = x * 1.0
    total = 0.0
    for i, v in enumerate(a):
        if i + 1 < len(a):
            a[i + 1] += v
        total += v * (i + 1)
    work = list(xs)
    for i, v in enumerate(work):
        if i + 1 < len(work):
            work[i + 1] = work[i + 1] + v * 0.5
        total += v * v
    for v in reversed(work):
        work[0] = work[0] + v
        total += v * work[0]
    return total + float(np.sum(a ** 2))


def list_grows_while_iterated(xs):
    work = list(xs)
    total = 0.0
    for v in work:
        total += v * v
        if len(work) < 6:
            work.append(v * 0.5)  # <- list-grows-in-loop
    return total


def copies_and_second_names(x, y):
    alias = x
    own = np.copy(x)
    own *= 2.0
    z = alias * own
    own[0] = z[1]
    a = b = x * 1.0
    a = a + 1.0
    b += y
    p = x * 1.0
    q = y * 1.0
    p, q = q, p
    p += 1.0
    (r := p)[0] = 5.0
    return float(np.sum(z * own) + np.sum(alias) + np.sum(a * b) + np.sum(r * x) + np.sum(q * y))


def shallow_copy_item_write(x):
    rows = [x * 1.0, x * 2.0]
    shallow = copy.copy(rows)
    shallow[0] = shallow[0] * 3.0  # <- shallow-copy-item-write
    return sum(float(np.sum(r ** 2)) for r in rows + shallow)


def deepcopy_of_written_dict(p, x):
    state = {"w": p * 1.0}
    snap = copy.deepcopy(state)  # <- deepcopy-written-dict
    state["w"] = state["w"] + x
    return np.sum(snap["w"] * state["w"])


def chained_assignment_write(x):
    a = b = np.zeros(len(x))
    a[0] = x[1]  # <- chained-assignment-write
    return float(np.sum(b * x))


def ufunc_out_argument(x, y):
    a = x * 1.0
    np.add(a, y, out=a)  # <- ufunc-out
    return np.sum(a * y)


def ellipsis_write_through_alias(x):
    a = x * 2.0
    c = a
    a[...] = np.sin(a)  # <- ellipsis-write-alias
    return np.sum(c * x)


def repeated_list_of_one_array(x):
    rows = [x * 1.0] * 3
    rows[0] += 1.0  # <- repeated-list-iadd
    return sum(float(np.sum(r ** 2)) for r in rows)


def sort_of_a_view(x, w):
    b = x * 1.0
    tail = b[1:]
    tail.sort()  # <- sort-of-view
    return float(b @ w)


def arrays_from_python_loops(x, M):
    a = np.fromiter((math.sin(v) for v in x), float)
    b = np.array([math.cos(v) * v for v in x])
    c = np.array([r @ r for r in M])
    return float(a @ b) + float(np.sum(c))


# ----- Attributes stored through a setter ----------------------------------------------------------------


class Probability:
    """A probability clipped into [0, 1] by its property's setter."""

    def __init__(self, p):
        self.p = p

    @property
    def p(self):
        return self._p

    @p.setter
    def p(self, value):
        self._p = min(max(value, 0.0), 1.0)


def property_setter_clips(p, x):
    prob = Probability(p)  # <- property-setter
    return prob.p * x + (1.0 - prob.p) * x * x


@dataclass
class Rate:
    """A dataclass whose every field is clipped into [0, 1] as it is set."""

    rate: float
    decay: float

    def __setattr__(self, name, value):
        super().__setattr__(name, min(max(value, 0.0), 1.0))


def dataclass_setattr_clips(r, x):
    params = Rate(r, 0.5)  # <- dataclass-setattr
    return params.rate * x + params.decay * params.rate


class Clipped:
    """A descriptor storing its value clipped into [0, 1] under the attribute's private name."""

    def __set_name__(self, owner, name):
        self.name = "_" + name

    def __get__(self, obj, owner=None):
        return self if obj is None else getattr(obj, self.name)

    def __set__(self, obj, value):
        setattr(obj, self.name, min(max(value, 0.0), 1.0))


class Mixture:
    weight = Clipped()

    def __init__(self, weight):
        self.weight = weight


def descriptor_setter_clips(w, x):
    mix = Mixture(w)  # <- descriptor-setter
    return mix.weight * x + (1.0 - mix.weight) * math.sin(x)


@dataclass
class Bounds:
    low: float
    high: float = Clipped()


def descriptor_field_of_a_parameter(bounds, x):
    return (bounds.high - bounds.low) * x  # <- descriptor-field-parameter


# ----- Records whose class defines `__getitem__` or `__array__` -------------------------------------------


class Polar(NamedTuple):
    """(r, theta) whose items are its Cartesian coordinates."""

    r: float
    theta: float

    def __getitem__(self, i):
        return (self.r * math.cos(self.theta), self.r * math.sin(self.theta))[i]

    def scaled(self, k):
        return Polar(self.r * k, self.theta)


def items_of_records(p, k):
    pts = [Polar(k, 0.3), Polar(p.r * k, p.theta)]
    return pts[1][0] * pts[0][1] + p[0] * k + p.scaled(2.0).r


def item_of_a_method_result(p, k):
    return p.scaled(k)[0] + p.r  # <- item-of-method-result


@dataclass
class Point:
    x: float
    y: float

    def __array__(self, dtype=None, copy=None):
        return np.array([self.x, self.y], dtype=dtype)


def points_with_array_protocol(x, y):
    pts = [Point(x, y), Point(y, x * x)]
    return sum(p.x * p.y for p in pts) + pts[1].x * pts[0].y


def array_of_a_point(p):
    return float(np.sum(np.asarray(p) ** 2))  # <- array-of-point


def array_of_points(x, y):
    return float(np.sum(np.array([Point(x, y), Point(y, x)]) ** 2))  # <- array-of-points


class Span(NamedTuple):
    """An interval whose iteration walks it from its upper end down."""

    low: float
    high: float

    def __iter__(self):
        return iter((self.high, self.low))


def span_energy(span, k):
    width = span.high - span.low
    return k * width ** 2 + span.low * span.high


class Weighted(NamedTuple):
    """A weight and its values, iterated values first."""

    weight: float
    values: np.ndarray

    def __iter__(self):
        return iter((self.values, self.weight))


def weighted_energy(w, k):
    return w.weight * float(np.sum(w.values ** 2)) * k


class Quadratic(NamedTuple):
    """The coefficients of c0 + c1 t + c2 t^2; its length is its degree."""

    c0: float
    c1: float
    c2: float

    def __len__(self):
        return 2


def quadratic_from_the_end(q, t):
    return q[-1] * t * t + q[-2] * t + q[0] + len(q) * t
