"""The `adjoint` command line: `adjoint gen PATH.py:FUNC` writes a derivative as a standalone module."""
from __future__ import annotations

import argparse
import contextlib
import inspect
import linecache
import os
import shlex
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Sequence

from adjoint.errors import AdjointError
from adjoint.options import MODES, Options
from adjoint.version import __version__

DESCRIPTION = """\
Source-transformation automatic differentiation for Python, math and NumPy.
The derivative of a function is written as Python source: `adjoint gen` saves it as a
module that runs with NumPy alone, to review, commit and ship."""

EXAMPLES = """\
examples:
  adjoint gen model.py:loss                      print the gradient of loss (first parameter)
  adjoint gen model.py:loss --wrt w,b -o grad_loss.py
  adjoint gen --check grad_loss.py               exit 1 if grad_loss.py is stale (for CI)
  python -m adjoint gen --help                   the options of gen, each with an example"""

GEN_DESCRIPTION = """\
Write the derivative of FUNC, a function defined at the top level of the file PATH.py, as a
standalone module: the generated function (grad_FUNC, value_and_grad_FUNC, vjp_FUNC,
jvp_FUNC, or fwd_FUNC and bwd_FUNC), the derivatives of the functions it calls, the
adjoint.runtime helpers it uses and copies of the functions and literal constants of
PATH.py it reads. It imports numpy
and math only (plus any other module FUNC itself reads; objects of PATH.py that cannot be
copied, such as arrays, are imported from it by name and listed in the header).
The file is imported to find FUNC, as Python would import it.

The header records the command, the options, the adjoint version and a fingerprint of the
sources of FUNC and of every function it reaches, of the rules used and of the options.
Paths in the header are relative to the module's own directory."""

GEN_EXAMPLES = """\
examples:
  adjoint gen model.py:loss > grad_loss.py
  adjoint gen model.py:loss --wrt w,b --mode value_and_grad -o value_and_grad_loss.py
  adjoint gen --check value_and_grad_loss.py && echo up to date"""


class CommandError(Exception):
    """Bad input to a command: reported on stderr with exit status 1."""


# ----- arguments ------------------------------------------------------------------------------

def parsers():
    """The parser of the `adjoint` command line and its `gen` subparser."""
    parser = argparse.ArgumentParser(
        prog="adjoint", description=DESCRIPTION, epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"adjoint {__version__}",
                        help="print the version and exit (e.g. adjoint --version)")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    gen = commands.add_parser(
        "gen", help="write the derivative of a function as a standalone module (adjoint gen --help)",
        description=GEN_DESCRIPTION, epilog=GEN_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_gen_arguments(gen)
    return parser, gen


def add_gen_arguments(gen: argparse.ArgumentParser) -> None:
    gen.add_argument("target", nargs="?", metavar="PATH.py:FUNC",
                     help="the file and the name of the function to differentiate (e.g. model.py:loss)")
    gen.add_argument("--wrt", metavar="NAMES",
                     help="the parameters to differentiate with respect to, by name or position, separated by "
                          "commas; default: the first parameter (e.g. --wrt w,b or --wrt 0,2)")
    gen.add_argument("--mode", choices=MODES, default="reverse",
                     help="what to generate: reverse, the gradient grad_FUNC(*args) (the default); value_and_grad, "
                          "(value, gradient) from one pass; vjp, vjp_FUNC(cotangent, *args); forward, "
                          "jvp_FUNC(*args, *, d<param>=tangent) returning (value, tangent) (d<param>_1 where the "
                          "file or FUNC uses d<param> already: the module's docstring gives the signature); "
                          "forward_pass, "
                          "fwd_FUNC(*args) returning (value, residuals) and bwd_FUNC(cotangent, residuals) the "
                          "gradient (e.g. --mode value_and_grad)")
    gen.add_argument("--no-optimize", dest="optimize", action="store_false",
                     help="skip the optimization passes, to see the derivative as first written (e.g. adjoint gen "
                          "model.py:loss --no-optimize)")
    gen.add_argument("--backend", choices=("python", "numba"), default="python",
                     help="python (the default): plain Python and NumPy; numba: the derivatives compiled with "
                          "@numba.njit(cache=True), the module imports numba (e.g. --backend numba)")
    gen.add_argument("-o", "--output", metavar="OUT.py",
                     help="write the module to OUT.py instead of standard output (e.g. -o grad_loss.py)")
    gen.add_argument("--check", metavar="OUT.py",
                     help="regenerate OUT.py with the command in its header and exit 1 if the file differs "
                          "(stale), 0 if it is current; takes no other option (e.g. adjoint gen --check grad_loss.py)")


# ----- entry point ----------------------------------------------------------------------------

def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 bad input, 2 usage)."""
    parser, gen = parsers()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        if args.check is not None:
            if (args.target or args.output or args.wrt or args.mode != "reverse" or not args.optimize
                    or args.backend != "python"):
                gen.error("--check takes only the module to check: adjoint gen --check OUT.py")
            return check(Path(args.check))
        if args.target is None:
            gen.error("the function to differentiate is required: adjoint gen PATH.py:FUNC")
        path, _, name = args.target.rpartition(":")
        if not path or not name:
            gen.error(f"expected PATH.py:FUNC, got {args.target!r} (e.g. adjoint gen model.py:loss)")
        return generate_command(path, name, args.wrt, args.mode, args.optimize, args.output, args.backend)
    except SystemExit as exit_:  # argparse: --help, --version (0) and usage errors (2)
        return 0 if exit_.code is None else exit_.code if isinstance(exit_.code, int) else 1
    except (CommandError, AdjointError) as error:
        print(f"adjoint gen: error: {error}", file=sys.stderr)
        return 1


@dataclass
class Request:
    """One `adjoint gen`: what to differentiate, how, and where paths in the header start."""

    source: Path
    function: str
    wrt: Optional[str]
    mode: str
    optimize: bool
    base: Path
    output: Optional[str]
    backend: str = "python"


def generate_command(path: str, name: str, wrt: Optional[str], mode: str, optimize: bool,
                     output: Optional[str], backend: str = "python") -> int:
    out = Path(output) if output else None
    base = out.resolve().parent if out else Path.cwd()
    request = Request(Path(path), name, wrt, mode, optimize, base, out.name if out else None, backend)
    if out is not None:
        _refuse_to_overwrite(out)
    notes: List[str] = []
    text = render(request, notes)
    for note in notes:
        print(f"adjoint gen: warning: {note}", file=sys.stderr)
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            with open(out, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error.strerror}") from None
    return 0


def _refuse_to_overwrite(out: Path) -> None:
    """A file gen did not write (the user's source, say) is never replaced by a module."""
    try:
        with open(out, encoding="utf-8") as stream:
            head = [stream.readline() for _ in range(2)]
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError):
        head = []
    if head and head[0] == "":  # an empty file
        return
    if not head[1:] or not head[1].startswith("# command: adjoint gen "):
        raise CommandError(f"{out} exists and was not written by `adjoint gen`; it is left as it is "
                           "(remove it, or write the module to another file)")


def check(module_path: Path) -> int:
    """Exit status 0 if module_path is what its header's command writes today, else 1."""
    try:
        current = module_path.read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot read {module_path}: {error.strerror}") from None
    request = _request_from_header(module_path, current)
    if not request.source.is_file() and request.output is None:
        raise CommandError(f"{module_path}: no file {request.source} (its header's command names "
                           f"{os.path.relpath(request.source, module_path.parent)} relative to the module's directory, "
                           "but the module was written to standard output, from another directory; regenerate it "
                           "with -o)")
    fresh = render(request)
    if fresh == current:
        print(f"{module_path}: up to date", file=sys.stderr)
        return 0
    reasons = _differences(_header_lines(current), _header_lines(fresh)) or ["the generated code differs"]
    command = f"cd {shlex.quote(str(module_path.parent))} && " if str(module_path.parent) != "." else ""
    print(f"{module_path}: stale ({'; '.join(reasons)}); regenerate with:\n"
          f"    {command}{_command(request, ensure_output=module_path.name)}", file=sys.stderr)
    return 1


# ----- generation -----------------------------------------------------------------------------

def render(request: Request, notes: Optional[List[str]] = None) -> str:
    """The module text for a request; what the user should know about it (the generation's
    warnings, each at the user's line) is added to `notes`."""
    from adjoint.api import resolve_wrt
    from adjoint.backend.standalone import write_module
    from adjoint.pipeline import generate

    with user_module(request.source) as module:
        func = function_of(module, request.source, request.function)
        names, _ = resolve_wrt(func, _parse_wrt(request.wrt) if request.wrt else 0)
        options = Options(request.mode, names, request.optimize, None, request.backend)
        generated = generate(func, options)
        if notes is not None:
            notes += [f"{found.filename}:{found.lineno}: {found.message}" for found in generated.warnings]
        request.wrt = ",".join(names)
        if request.backend == "numba":
            from adjoint.backend.numba import write_standalone
            text = write_standalone(func, options, generated, _command(request), __version__, request.function)
        else:
            text = write_module(func, options, generated, _command(request), __version__, notes, request.function)
        _refuse_importing_itself(text, request.output)
        return _relative_file_names(text, generated.units, request.base)


def _refuse_importing_itself(text: str, output: Optional[str]) -> None:
    """A module named like a module it imports would import itself instead (`from model import W`
    in model.py)."""
    stem = Path(output).stem if output else None
    for line in text.splitlines():  # the module's imports are at its top level
        words = line.split() if line.startswith(("import ", "from ")) else []
        if stem and len(words) >= 2 and words[0] in ("import", "from") and words[1].split(".")[0] == stem:
            raise CommandError(f"-o {output}: the module imports from the module `{stem}` ({line.strip()}), and "
                               f"named {output} it would import itself; give it another name (e.g. -o grad_{stem}.py)")


def _relative_file_names(text: str, units, base: Path) -> str:
    """The text with the file names that the derivative's run-time refusals carry made relative to
    the module's directory, as the header's are: the same module whichever directory the command
    ran in, and `--check` passing from any directory."""
    files = {unit.globals.get("__file__") for unit in units} - {None}
    for name in sorted(files, key=len, reverse=True):
        label = Path(os.path.relpath(Path(name).resolve(), base)).as_posix()
        text = text.replace(repr(name), repr(label))
    return text


def _parse_wrt(text: str):
    items = [item.strip() for item in text.split(",")]
    if not all(items):
        raise CommandError(f"--wrt {text!r}: expected names or positions separated by commas (e.g. --wrt w,b)")
    return tuple(int(item) if item.lstrip("-").isdigit() else item for item in items)


def _command(request: Request, ensure_output: Optional[str] = None) -> str:
    source = os.path.relpath(request.source.resolve(), request.base)
    words = ["adjoint", "gen", f"{Path(source).as_posix()}:{request.function}", "--wrt", request.wrt]
    if request.mode != "reverse":
        words += ["--mode", request.mode]
    if not request.optimize:
        words.append("--no-optimize")
    if request.backend != "python":
        words += ["--backend", request.backend]
    output = request.output or ensure_output
    if output:
        words += ["-o", output]
    return " ".join(shlex.quote(word) for word in words)


@contextlib.contextmanager
def user_module(path: Path) -> Iterator[types.ModuleType]:
    """The file `path` run as a module named after it, as an import would, for the block's duration.

    Its directory is importable meanwhile, and what it prints goes to stderr (stdout may be
    the generated module). sys.modules and sys.path are restored afterwards.
    """
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    name = path.stem
    if not name.isidentifier():
        raise CommandError(f"{path}: the file name must be a Python module name to be importable")
    try:
        code = compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)
    except SyntaxError as error:
        raise CommandError(_syntax_error(path, error)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {path}: {error}") from None
    module = types.ModuleType(name)
    module.__file__ = str(path)
    saved = sys.modules.get(name)
    sys.modules[name] = module
    linecache.cache.pop(str(path), None)  # the file may have changed since it was last read
    directory = str(path.resolve().parent)
    sys.path.insert(0, directory)
    try:
        try:
            with contextlib.redirect_stdout(sys.stderr):
                exec(code, module.__dict__)
        except Exception as error:
            raise CommandError(f"importing {path} failed: {type(error).__name__}: {error}") from None
        yield module
    finally:
        sys.path.remove(directory)
        if saved is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = saved


def function_of(module: types.ModuleType, path: Path, name: str) -> Callable:
    func = getattr(module, name, None)
    if func is None:
        defined = sorted(n for n, v in vars(module).items() if inspect.isfunction(v) and v.__module__ == module.__name__)
        raise CommandError(f"{path} has no function {name!r}; it defines {', '.join(defined) or 'no functions'}")
    if not inspect.isfunction(func):
        raise CommandError(f"{path}:{name} is a {type(func).__name__}, not a function defined with `def`")
    return func


def _syntax_error(path: Path, error: SyntaxError) -> str:
    text = f"{path}:{error.lineno}: syntax error: {error.msg}"
    if error.text:
        line = error.text.rstrip("\n")
        stripped = line.lstrip()
        column = max((error.offset or 1) - 1 - (len(line) - len(stripped)), 0)
        text += f"\n    {stripped}\n    {' ' * column}^"
    return text


# ----- reading a module's header --------------------------------------------------------------

def _header_lines(text: str) -> List[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("# "):
            break
        lines.append(line[2:])
    return lines


def _request_from_header(module_path: Path, text: str) -> Request:
    commands = [line[len("command: "):] for line in _header_lines(text) if line.startswith("command: ")]
    if not commands:
        raise CommandError(f"{module_path} was not written by `adjoint gen` (its header has no command line)")
    words = shlex.split(commands[0])
    parser = argparse.ArgumentParser(prog="adjoint gen", add_help=False)
    add_gen_arguments(parser)
    try:
        if words[:2] != ["adjoint", "gen"]:
            raise SystemExit(2)
        args = parser.parse_args(words[2:])
    except SystemExit:
        raise CommandError(f"{module_path}: cannot read the command in its header: {commands[0]}") from None
    path, _, name = (args.target or "").rpartition(":")
    base = module_path.resolve().parent
    return Request(Path(os.path.relpath(base / path)), name, args.wrt, args.mode, args.optimize, base, args.output,
                   args.backend)


def _differences(old: List[str], new: List[str]) -> List[str]:
    def fields(lines):
        return dict(line.split(": ", 1) for line in lines if ": " in line and not line.startswith("fingerprint"))

    before, after = fields(old), fields(new)
    reasons = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            if key not in after:
                reasons.append(f"{key} no longer used")
            elif key not in before:
                reasons.append(f"{key} is new")
            else:
                reasons.append(f"{key} changed")
    return reasons
