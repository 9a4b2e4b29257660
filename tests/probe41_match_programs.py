"""The programs of probe 41 written with `match` statements, which Python 3.9 cannot parse: imported by
tests/test_probe41_programs.py on Python 3.10 and later only."""


def match_statement(kind, x, y):
    match kind:  # <- match-statement
        case "square":
            return x * x + y
        case "product":
            return x * y
        case _:
            return x + y


def match_on_tuple(x, y):
    point = (x, y)
    match point:  # <- match-on-tuple
        case (a, b) if a > b:
            return a - b
        case (a, b):
            return a * b
