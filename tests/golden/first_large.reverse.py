def grad_first_large(x):
    total = 0.0
    _range1 = range(10)
    _count1 = 0
    for i in _range1:
        _count1 = _count1 + 1
        total = total + x * i
        if total > 5.0:
            break
    dtotal = 1.0
    dx = 0.0
    # Grad of: for i in range(10):
    for i in reversed(_range1[:_count1]):
        # Grad of: total = total + x * i
        dx = dx + i * dtotal
    return dx
