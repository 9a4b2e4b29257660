def grad_logistic_map(x, r):
    _stack = []
    _range1 = range(10)
    for i in _range1:
        _t1 = r * x
        _t2 = 1.0 - x
        _stack.append(x)
        x = _t1 * _t2
    dx = 1.0
    dr = 0.0
    # Grad of: for i in range(10):
    for i in reversed(_range1):
        # Grad of: x = r * x * (1.0 - x)
        x = _stack.pop()
        _t1 = r * x
        _t2 = 1.0 - x
        d_t1 = _t2 * dx
        dr = dr + x * d_t1
        dx = r * d_t1 - _t1 * dx
    return dx, dr
