"""The exceptions adjoint raises: every one names where in the user's code it happened."""
from __future__ import annotations

import sysconfig
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Location:
    """A place in the user's source: file, 1-based line, 0-based column and the line's text."""

    filename: str
    lineno: int
    col_offset: int = 0
    end_col_offset: Optional[int] = None
    line: str = ""

    def render(self) -> str:
        """`file:line` followed by the line and a caret under the construct."""
        text = f"{self.filename}:{self.lineno}"
        if not self.line:
            return text
        stripped = self.line.lstrip()
        indent = len(self.line) - len(stripped)
        start = max(self.col_offset - indent, 0)
        end = self.end_col_offset - indent if self.end_col_offset else start + 1
        if end <= start or end > len(stripped):
            end = max(start + 1, len(stripped))
        carets = "^" * (end - start)
        return f"{text}\n    {stripped.rstrip()}\n    {' ' * start}{carets}"


_LIBRARY_PATHS = tuple(sorted({sysconfig.get_paths()[key] for key in ("stdlib", "purelib", "platlib")}))


def is_library_file(filename: str) -> bool:
    """Whether filename belongs to an installed library or the standard library, not to the user."""
    return filename.startswith(_LIBRARY_PATHS) or "site-packages" in filename or "dist-packages" in filename


class AdjointError(Exception):
    """Base class of every error adjoint raises about the user's code or arguments."""

    def __init__(self, message: str, location: Optional[Location] = None):
        self.message = message
        self.location = location
        super().__init__(self._format())

    def _format(self) -> str:
        if self.location is None:
            return self.message
        where = self.location.render()
        head, _, rest = where.partition("\n")
        return f"{head}: {self.message}" + (f"\n{rest}" if rest else "")

    def blamed_on(self, call: Location, callee: str, where: str = "called here") -> "AdjointError":
        """This error moved to the user's call into a library function, where the refusal was met
        (the library's own line is named in the message), or to another place in the user's code."""
        moved = type(self).__new__(type(self))
        moved.__dict__.update(self.__dict__)
        inner = self.location
        moved.message = f"{callee} ({where}) cannot be differentiated: {self.message} (at {inner.filename}:{inner.lineno})"
        moved.location = call
        moved.args = (moved._format(),)
        return moved

    @property
    def filename(self) -> Optional[str]:
        return self.location.filename if self.location else None

    @property
    def lineno(self) -> Optional[int]:
        return self.location.lineno if self.location else None


class UnsupportedSyntaxError(AdjointError):
    """The function uses a construct outside the language adjoint differentiates."""

    def __init__(self, construct: str, message: str, location: Optional[Location] = None):
        self.construct = construct
        super().__init__(message, location)


class NonDifferentiableError(AdjointError):
    """A call has no derivative rule and no Python source to differentiate."""

    def __init__(self, callee: str, message: str, location: Optional[Location] = None):
        self.callee = callee
        super().__init__(message, location)


class BackendError(AdjointError):
    """The chosen backend (numba) cannot compile the generated derivative: `construct` names
    what it stopped at, the message the line of the generated code and the user's line."""

    def __init__(self, construct: str, message: str, location: Optional[Location] = None):
        self.construct = construct
        super().__init__(message, location)


class WrtError(AdjointError, ValueError):
    """`wrt` names a parameter the function does not have."""


class NonScalarOutputError(AdjointError, ValueError):
    """`grad` of a function whose output is not a scalar."""


class ArgumentError(AdjointError, TypeError):
    """A derived function was called with arguments that do not fit (e.g. a missing tangent)."""


class AdjointWarning(UserWarning):
    """A derivative adjoint generates exactly but that is likely not what was meant (a
    differentiated parameter whose gradient is zero by construction)."""
