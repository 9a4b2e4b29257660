"""Side-by-side benchmark of adjoint, hand-written gradients and other AD libraries (`python -m benchmarks`)."""
