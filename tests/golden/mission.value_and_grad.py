def value_and_grad_mission(x, y):
    a = x * y
    b = math.sin(x)
    z = a + b
    dz = 1.0
    # Grad of: z = a + b
    da = dz
    db = dz
    # Grad of: a = x * y
    dx = db * math.cos(x) + y * da
    return z, dx
