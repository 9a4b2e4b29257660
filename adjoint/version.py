"""The version of adjoint (a leaf module: the cache key and `adjoint gen` headers read it)."""

__version__ = "0.1.0"
