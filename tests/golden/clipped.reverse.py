def grad_clipped(x):
    h = math.tanh(x)
    # Grad of: return h * 3.0
    dh_1 = 3.0
    # Grad of: with adjoint.insert_grad_of(h) as dh:
    dh = dh_1
    dh = min(dh, 0.5)
    dh_1 = dh
    # Grad of: h = math.tanh(x)
    dx = dh_1 * (1.0 - h * h)
    return gradient_like(dx, x)
