"""Derivative rules: the tables and the built-in rules, grouped in files by family.

The SciPy families are registered when SciPy imports; adjoint works without it.
"""
from adjoint.rules import (  # noqa: F401  (importing a family registers its rules)
    decomposition_helpers, nondiff, numpy_complex, numpy_decompositions, numpy_elementwise, numpy_fft,
    numpy_helpers, numpy_linalg, numpy_reductions, numpy_shape, numpy_statistics, operators, runtime_helpers,
    scalar_math, scalar_special, spectral_helpers, statistics_helpers,
)
from adjoint.rules.table import (  # noqa: F401
    ADJOINTS, NON_DIFFERENTIABLE, TANGENTS, RuleTable, non_differentiable, register_adjoint,
    register_tangent, rules_fingerprint,
)

try:
    import scipy  # noqa: F401
except ImportError:
    HAS_SCIPY = False
else:
    HAS_SCIPY = True
    from adjoint.rules import scipy_linalg, scipy_special, scipy_special_elementary, scipy_stats, \
        scipy_stats_families  # noqa: F401
