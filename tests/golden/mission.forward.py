def jvp_mission(x, y, *, dx):
    a = x * y
    da = dx * y
    b = math.sin(x)
    db = float(dx) * math.cos(x)
    z = a + b
    dz = da + db
    return z, dz
