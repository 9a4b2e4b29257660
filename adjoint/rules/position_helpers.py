"""Derivatives of the helpers the rules of np.delete, np.insert, np.resize and np.partition call (numpy_positions.py),
for second order: tags_gather and tags_scatter are linear in their first argument and each other's
transpose; the tags depend on shapes alone."""
from adjoint import runtime
from adjoint.templates import d
from adjoint.rules.table import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import tags_gather, tags_scatter, unbroadcast

non_differentiable(runtime.position_tags, runtime.kept_tags, runtime.inserted_value_tags, runtime.reordered_tags,
                   runtime.diff_positions)


@register_adjoint(runtime.tags_gather)
def _(result, x, tags):
    d[x] = tags_scatter(d[result], tags, x)


@register_tangent(runtime.tags_gather)
def _(result, x, tags):
    d[result] = tags_gather(d[x], tags)


@register_adjoint(runtime.tags_scatter)
def _(result, g, tags, like):
    d[g] = unbroadcast(tags_gather(d[result], tags), g)


@register_tangent(runtime.tags_scatter)
def _(result, g, tags, like):
    d[result] = tags_scatter(d[g], tags, like)
