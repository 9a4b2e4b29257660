def grad_built_list(x, n):
    values = []
    _range1 = range(n)
    for i in _range1:
        values.append(x ** i)
    _t2 = n - 1
    _t3 = values[_t2]
    _t4 = values[0]
    d_t5 = unit_seed(_t3 + _t4)
    dx = 0.0
    # Grad of: return values[n - 1] + values[0]
    dvalues = add_at(0.0, values, 0, unbroadcast(d_t5, _t4))
    dvalues = add_at(dvalues, values, _t2, unbroadcast(d_t5, _t3))
    # Grad of: for i in range(n):
    for i in reversed(_range1):
        # Grad of: values.append(x ** i)
        d_t1 = item_adjoint(dvalues, len(values) - 1)
        dvalues = item_adjoint(dvalues, slice(0, len(values) - 1))
        values.pop()
        dx = dx + d_t1 * pow_term(i, x, i - 1)
    return gradient_like(dx, x)
