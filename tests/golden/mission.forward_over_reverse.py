def jvp_grad_mission(x, y, *, dx_1):
    dz = 1.0
    da = dz
    db = dz
    dx = db * math.cos(x) + y * da
    ddx = db * (-float(dx_1) * math.sin(x))
    return dx, ddx
