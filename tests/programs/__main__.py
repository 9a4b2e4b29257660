"""`python -m tests.programs`: what adjoint does with each program of the corpus, as a table."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import program_corpus  # noqa: E402 - the tests directory is on the path only from here

sys.exit(program_corpus.main())
