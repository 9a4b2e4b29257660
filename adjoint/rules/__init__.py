"""Derivative rules: the tables and the built-in rules, grouped in files by family.

The SciPy families are registered when a lookup first meets SciPy (libraries.py), not here:
`import adjoint` does not import SciPy, and adjoint works without it.
"""
from adjoint.rules import (  # noqa: F401  (importing a family registers its rules)
    chain_helpers, decomposition_helpers, domain_helpers, nondiff, numpy_complex, numpy_decompositions,
    numpy_elementwise, numpy_fft, numpy_helpers, numpy_linalg, numpy_positions, numpy_reductions, numpy_shape,
    numpy_statistics, operators, position_helpers, python_statistics, runtime_helpers, scalar_math, scalar_special, spectral_helpers,
    statistics_helpers,
)
from adjoint.rules.table import (  # noqa: F401
    ADJOINTS, NON_DIFFERENTIABLE, TANGENTS, RuleTable, non_differentiable, register_adjoint,
    register_tangent, rules_fingerprint,
)
from adjoint.rules.libraries import installed

HAS_SCIPY = installed()  # whether SciPy's rules are registered when met (or listed)
