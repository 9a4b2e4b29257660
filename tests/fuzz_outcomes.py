"""The fuzzer's outcomes per shape family (tests/test_fuzz.py), added up over its shards.

Each shard of the fuzzer counts its programs as a tally of plain dicts (a worker of pytest-xdist
sends its tallies to the controller); conftest.py prints `summary` of all of them at the end of the
run, whichever workers ran which shards.
"""
from __future__ import annotations

import collections
from typing import Any, Dict, Iterable, List

Tally = Dict[str, Any]  # {"statistics": {family: {outcome: n}}, "refusals": {family: {kind: n}}, "autograd": n}


def tally(statistics: Dict[str, collections.Counter], refusals: Dict[str, collections.Counter],
          autograd: int) -> Tally:
    return {"statistics": {family: dict(counts) for family, counts in statistics.items()},
            "refusals": {family: dict(counts) for family, counts in refusals.items()},
            "autograd": autograd}


def added(tallies: Iterable[Tally]) -> Tally:
    """The tallies added up, family by family."""
    statistics: Dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    refusals: Dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    autograd = 0
    for one in tallies:
        for family, counts in one["statistics"].items():
            statistics[family].update(counts)
        for family, counts in one["refusals"].items():
            refusals[family].update(counts)
        autograd += one["autograd"]
    return {"statistics": statistics, "refusals": refusals, "autograd": autograd}


def summary(tallies: Iterable[Tally]) -> List[str]:
    """Per shape family: programs exact, refused (and the share refused, with the commonest refusals),
    skipped; then a warning for each family refused every time (the fuzzer checks no derivative of it)."""
    total = added(tallies)
    statistics, refusals = total["statistics"], total["refusals"]
    lines = []
    for family in sorted(statistics):
        counts = statistics[family]
        decided = counts["exact"] + counts["refused"]
        share = counts["refused"] / decided if decided else 0.0
        common = dict(sorted(refusals[family].items(), key=lambda item: (-item[1], item[0]))[:3])
        lines.append(f"{family:17} exact {counts['exact']:5}  refused {counts['refused']:5} ({share:4.0%})  "
                     f"skipped {counts['skipped']:4}  {common}")
    lines.append(f"compared with autograd: {total['autograd']}")
    lines += [f"warning: the fuzzer's {family} programs were all refused: it checks no derivative of them"
              for family in sorted(statistics) if statistics[family]["refused"] and not statistics[family]["exact"]]
    return lines
