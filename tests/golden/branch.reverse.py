def grad_branch(x):
    _cond1 = x > 0.0
    if not _cond1:
        _cond2 = x > -1.0
        if _cond2:
            y = math.sin(x)
    dy = 1.0
    # Grad of: if x > 0.0:
    if _cond1:
        # Grad of: y = x * x
        dx = 2.0 * (x * dy)
    else:
        # Grad of: elif x > -1.0:
        if _cond2:
            # Grad of: y = math.sin(x)
            dx = dy * math.cos(x)
        else:
            # Grad of: y = -x
            dx = -dy
    return dx
