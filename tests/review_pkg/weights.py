"""An array held by a module of a package."""
import numpy as np

W = np.ones(3)
