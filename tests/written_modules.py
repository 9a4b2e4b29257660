"""The modules `adjoint gen` writes, run in the test's own process: the namespace of the module
written for one program of a file."""
from __future__ import annotations

from pathlib import Path

from adjoint.cli import main


def written(tmp_path: Path, program_file: Path, name: str, *options: str) -> dict:
    """The namespace of the module `adjoint gen PROGRAM_FILE:NAME OPTIONS` writes (no example
    arguments), each call in a file of its own under tmp_path."""
    out = tmp_path / f"written_{name}_{len(list(tmp_path.iterdir()))}.py"
    assert main(["gen", f"{program_file}:{name}", *options, "-o", str(out)]) == 0
    namespace = {"__name__": out.stem}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    return namespace
