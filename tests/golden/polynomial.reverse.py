def grad_polynomial(x, coefficients):
    _stack = []
    _t2 = None
    total = 0.0
    _range1 = range(len(coefficients))
    for _i1 in _range1:
        c = coefficients[_i1]
        _stack.append(shape_only(_t2))
        _t2 = total * x
        _stack.append(total)
        total = _t2 + c
    dtotal = unit_seed(total)
    dx = 0.0
    # Grad of: for c in coefficients:
    for _i1 in reversed(_range1):
        # Grad of: total = total * x + c
        d_t2 = unbroadcast(dtotal, _t2)
        total = _stack.pop()
        dtotal = x * d_t2
        dx = dx + unbroadcast(total * d_t2, x)
        _t2 = _stack.pop()
    return gradient_like(dx, x)
