"""``genpic stats`` reads the same SQLite store the pipeline writes (GENPIC_DATA_DIR)."""

from __future__ import annotations

import json

import pytest

from genpic import backends, variants
from genpic.pipeline import Pipeline
from genpic.records.base import Feedback
from genpic.request import parse_request
from genpic.settings import Settings
from tests.support.cli import invoke


@pytest.fixture
def store_with_ratings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENPIC_AB_ENHANCE_SHARE", "0.25")
    settings = Settings.from_env()
    records = backends.create_records(settings)
    pipeline = Pipeline(settings, records=records)
    records.assign_arm("eve", "enhanced")
    request = parse_request(
        {"prompt": "a heron", "user": "eve"},
        allowed_models=settings.allowed_models,
        enhance_default=True,
    )
    result = pipeline.run(pipeline.experiment.assign(request), "req-1")  # type: ignore[union-attr]
    for rating in (5, 4, 3):
        records.add_feedback(Feedback(result.image_id or "", 0.0, rating=rating, ab_arm="enhanced"))


def test_table(store_with_ratings: None) -> None:
    result = invoke("stats")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("images" in line and "│ 1 " in line for line in lines)
    assert any("(share 0.25)" in line for line in lines)
    # enhanced: 1 image, 3 ratings, mean (5 + 4 + 3) / 3 = 4.00
    enhanced = next(line for line in lines if line.startswith("│ enhanced"))
    assert enhanced.split("│")[2:7] == [
        " 1      ",
        " $0.0000 ",
        " 3       ",
        " 4.00        ",
        " 0         ",
    ]
    assert lines[-1] == "Each arm needs 20 ratings before comparing; enhanced has 3, plain has 0."


def test_json_is_the_stats_body(store_with_ratings: None) -> None:
    result = invoke("stats", "--json")
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["images"] == 1
    assert body["experiment"]["arms"]["enhanced"]["mean_rating"] == 4.0
    assert body["experiment"]["difference"]["status"] == "not enough ratings"


def test_a_bad_setting_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENPIC_AB_ENHANCE_SHARE", "2")
    result = invoke("stats")
    assert result.exit_code == 1
    assert "ConfigurationError" in result.stderr and "GENPIC_AB_ENHANCE_SHARE" in result.stderr


def test_each_client_with_the_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENPIC_DAILY_QUOTA", "50")
    pipeline = Pipeline(Settings.from_env())
    request = pipeline.parse({"prompt": "a heron", "n": 3}, enhance_default=False)
    variants.generate(pipeline, request, "req-1", "key:alice", entry="generate")
    result = invoke("stats")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("clients (no rate limit, daily quota 50)" in line for line in lines)
    alice = next(line for line in lines if line.startswith("│ key:alice"))
    assert [cell.strip() for cell in alice.split("│")[1:5]] == ["key:alice", "3", "47", "-"]
    body = json.loads(invoke("stats", "--json").stdout)
    assert body["clients"] == {"key:alice": {"images_today": 3, "remaining_today": 47}}
