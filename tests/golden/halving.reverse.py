def grad_halving(x):
    steps = 0
    _cond1 = x > 1.0
    _count1 = 0
    while _cond1:
        _count1 = _count1 + 1
        x = x / 2.0
        steps = steps + 1
        _cond1 = x > 1.0
    # Grad of: return x * steps
    dx = steps * 1.0
    # Grad of: while x > 1.0:
    for _iteration1 in range(_count1):
        # Grad of: x = x / 2.0
        dx = dx / 2.0
    return dx
