"""Read the CloudWatch EMF records genpic printed: each metric with its unit and dimensions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

NAMESPACE = "genpic"


@dataclass(frozen=True)
class Point:
    """One metric value as CloudWatch files it: name, unit, dimension names and values."""

    name: str
    unit: str
    dimensions: tuple[tuple[str, str], ...]
    values: tuple[float, ...]

    @property
    def series(self) -> tuple[str, frozenset[str]]:
        """The metric name and its dimension names: what an alarm or a widget selects."""
        return self.name, frozenset(name for name, _ in self.dimensions)

    def dimension(self, name: str) -> str:
        return dict(self.dimensions)[name]


def emf_records(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """Return the EMF records printed on stdout since the last read."""
    lines = capsys.readouterr().out.splitlines()
    return [
        record for line in lines if line.startswith("{") and "_aws" in (record := json.loads(line))
    ]


def points(records: list[dict[str, Any]]) -> list[Point]:
    """Return every metric of ``records``, checking each is a well-formed genpic record."""
    found = []
    for record in records:
        [directive] = record["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == NAMESPACE
        [dimension_names] = directive["Dimensions"]
        assert "service" in dimension_names and record["service"] == "genpic"
        dimensions = tuple(sorted((name, record[name]) for name in dimension_names))
        for metric in directive["Metrics"]:
            values = tuple(record[metric["Name"]])
            found.append(Point(metric["Name"], metric["Unit"], dimensions, values))
    return found


def printed(capsys: pytest.CaptureFixture[str]) -> list[Point]:
    """Return every metric printed since the last read."""
    return points(emf_records(capsys))


def named(found: list[Point], name: str) -> list[Point]:
    """Return the points of metric ``name``."""
    return [point for point in found if point.name == name]
