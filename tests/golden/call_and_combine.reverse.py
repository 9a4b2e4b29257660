def grad_call_and_combine(x, y):
    _t1, _t1_residuals = fwd_square(x)
    _t2, _t2_residuals = fwd_square(y)
    # Grad of: return square(x) + 3.0 * square(y)
    dy = bwd_square(3.0, _t2_residuals)
    dx = bwd_square(1.0, _t1_residuals)
    return dx, dy


def fwd_square(x):
    return x * x, x


def bwd_square(d_t1, x):
    # Grad of: return x * x
    dx = 2.0 * (x * d_t1)
    return dx
