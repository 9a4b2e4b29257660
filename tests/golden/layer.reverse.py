def grad_layer(w, b, x):
    _t1 = x @ w
    h = np.tanh(_t1 + b)
    # Grad of: return np.sum(h * h)
    dh = 2.0 * h
    # Grad of: h = np.tanh(x @ w + b)
    d_t2 = dh * (1.0 - h * h)
    db = unbroadcast(d_t2, b)
    dw = dot_adjoint_b(unbroadcast(d_t2, _t1), x, w)
    return gradient_like(dw, w), gradient_like(db, b)
