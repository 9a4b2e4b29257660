def jvp_logistic_map(x, r, *, dr):
    dx = 0.0
    for i in range(10):
        _t1 = r * x
        d_t1 = dr * x + r * dx
        _t2 = 1.0 - x
        x = _t1 * _t2
        dx = d_t1 * _t2 + _t1 * -dx
    return x, dx
