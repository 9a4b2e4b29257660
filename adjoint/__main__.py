"""`python -m adjoint`: the command line (see adjoint.cli)."""
from __future__ import annotations

import sys

from adjoint.cli import main

if __name__ == "__main__":
    sys.exit(main())
