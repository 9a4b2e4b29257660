def grad_early_exit(x):
    _cond1 = x < 0.0
    if _cond1:
        _return1 = 0.0
    else:
        _return1 = math.sqrt(x)
    dx = 0.0
    # Grad of: if x < 0.0:
    if not _cond1:
        # Grad of: return math.sqrt(x)
        dx = quotient_or_inf(1.0, 2.0 * _return1)
    return dx
