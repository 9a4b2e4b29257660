def grad_call_and_combine(x, y):
    _t1 = square(x)
    _t2 = square(y)
    # Grad of: return square(x) + 3.0 * square(y)
    dy = vjp_square(3.0, y)
    dx = vjp_square(1.0, x)
    return dx, dy


def vjp_square(d_t1, x):
    # Grad of: return x * x
    dx = 2.0 * (x * d_t1)
    return dx
