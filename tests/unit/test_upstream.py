"""genpic.upstream: how a catalog lifecycle and Bedrock's modelLifecycle disagree."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from genpic.catalog import SD35_LARGE, Lifecycle
from genpic.upstream import Upstream, disagreement, upstream_models

DAY = date(2026, 12, 2)
LEGACY = Lifecycle("legacy", date(2027, 3, 1))
RETIRED = Lifecycle("retired", date(2026, 9, 30), SD35_LARGE)


@pytest.mark.parametrize(
    ("lifecycle", "upstream", "expected"),
    [
        (Lifecycle(), Upstream("ACTIVE"), None),
        (Lifecycle(), None, "not offered in this region"),
        (RETIRED, None, None),
        (
            RETIRED,
            Upstream("LEGACY"),
            "retired in the catalog, but Bedrock still lists it as LEGACY",
        ),
        (Lifecycle(), Upstream("LEGACY"), "LEGACY upstream, active in the catalog"),
        (LEGACY, Upstream("ACTIVE"), "legacy in the catalog, ACTIVE upstream"),
        (LEGACY, Upstream("LEGACY", date(2027, 3, 1)), None),
        (LEGACY, Upstream("LEGACY"), None),
        (
            LEGACY,
            Upstream("LEGACY", date(2027, 4, 1)),
            "end of life 2027-03-01 in the catalog (end of life 2027-04-01 upstream)",
        ),
        # Past its date a legacy model is retired, whatever the catalog last said.
        (LEGACY, None, "not offered in this region"),
    ],
)
def test_disagreement(
    lifecycle: Lifecycle, upstream: Upstream | None, expected: str | None
) -> None:
    assert disagreement(lifecycle, upstream, DAY) == expected


def test_a_legacy_model_past_its_end_of_life_counts_as_retired() -> None:
    assert disagreement(LEGACY, None, date(2027, 3, 1)) is None


def test_summaries_are_read_from_either_timestamp_form() -> None:
    summaries = [
        {"modelId": "a", "modelLifecycle": {"status": "LEGACY", "endOfLifeTime": 1798761600}},
        {
            "modelId": "b",
            "modelLifecycle": {
                "status": "LEGACY",
                "endOfLifeTime": datetime(2027, 1, 1, tzinfo=UTC),
            },
        },
        {"modelId": "c", "modelLifecycle": {"status": "ACTIVE"}},
    ]
    assert upstream_models(summaries) == {
        "a": Upstream("LEGACY", date(2027, 1, 1)),
        "b": Upstream("LEGACY", date(2027, 1, 1)),
        "c": Upstream("ACTIVE"),
    }
