def grad_overwrite(x, n):
    _stack = []
    _t1 = None
    _t4 = None
    a = np.zeros(3)
    _range1 = range(n)
    for i in _range1:
        _stack.append(_t1)
        _t1 = i % 3
        _t3 = x * i
        _stack.append(shape_only(_t4))
        _t4 = augmented_add(a[_t1], _t3)
        _stack.append(snapshot(a[_t1]))
        a[_t1] = _t4
    dx = 0.0
    # Grad of: return np.sum(a * a)
    da = 2.0 * a
    # Grad of: for i in range(n):
    for i in reversed(_range1):
        # Grad of: a[i % 3] += x * i
        d_t4 = stored_derivative(unbroadcast(item_adjoint(da, _t1, a), _t4),
            a, _t4)
        da = zero_at(da, a, _t1)
        a[_t1] = _stack.pop()
        _t3 = x * i
        _t4 = _stack.pop()
        dx = dx + i * unbroadcast(d_t4, _t3)
        da = add_at(da, a, _t1, d_t4)
        _t1 = _stack.pop()
    return gradient_like(dx, x)
