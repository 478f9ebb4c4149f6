"""Feedback, stats and the image list, through the HTTP routes and the Lambda handlers.

The expected figures are worked out by hand in the comments, not recomputed.
"""

from __future__ import annotations

from typing import Any

import pytest

from genpic.records.base import ArmStats, Stats
from genpic.report import stats_body
from genpic.welch import t_quantile
from tests.abstats.conftest import Deployment, stored_ratings

# Enhanced: twelve 5s, six 4s, two 2s (n 20, sum 88, mean 4.4, sum of squares 404,
#   SS = 404 - 88^2/20 = 16.8, variance 16.8/19 = 0.884211).
# Plain: ten 4s, ten 3s, five 1s (n 25, sum 75, mean 3.0, sum of squares 255,
#   SS = 255 - 75^2/25 = 30, variance 30/24 = 1.25).
ENHANCED = [5] * 12 + [4] * 6 + [2] * 2
PLAIN = [4] * 10 + [3] * 10 + [1] * 5
# se^2 = 0.884211/20 + 1.25/25 = 0.0442105 + 0.05 = 0.0942105, se = 0.306937
# df = 0.0942105^2 / (0.0442105^2/19 + 0.05^2/24) = 0.00887562 / 0.000207038 = 42.87
# t(0.975, 42.87) ~ 2.0171 (the table's 2.0211 at 40 and 2.0141 at 45, interpolated)
# 1.4 -/+ 2.0171 * 0.306937 = 1.4 -/+ 0.61912 -> [0.7809, 2.0191]
EXPECTED_DIFFERENCE = {
    "status": "estimated",
    "enhanced_minus_plain": 1.4,
    # Interpolating the table is good to about 1e-4.
    "ci95": [pytest.approx(0.7809, abs=2e-4), pytest.approx(2.0191, abs=2e-4)],
    "df": 42.87,
    "method": "Welch's t interval",
    "conclusion": "enhanced is rated higher",
}


def generate(backend: Deployment, user: str, **fields: Any) -> dict[str, Any]:
    response = backend.http.post(
        "/generate-enhanced", json={"prompt": "a fox", "user": user, **fields}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def rate(backend: Deployment, body: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
    response = backend.http.post("/feedback", json=body)
    return response.status_code, (response.json() if response.content else None)


@pytest.mark.parametrize(
    ("df", "table"), [(1, 12.7062), (5, 2.5706), (10, 2.2281), (30, 2.0423), (120, 1.9799)]
)
def test_t_quantile_matches_the_printed_table(df: int, table: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(table, abs=5e-5)


def test_welch_interval_by_hand() -> None:
    stats = Stats(
        images=45,
        cost_usd=3.6,
        saved_usd=0.08,
        cache_hits=1,
        cache_misses=3,
        enhancement_fallbacks=2,
        arms={
            "enhanced": ArmStats(20, 1.6, len(ENHANCED), sum(ENHANCED), 404.0, 3),
            "plain": ArmStats(25, 2.0, len(PLAIN), sum(PLAIN), 255.0, 1),
        },
    )
    body = stats_body(stats, 0.5)
    assert body["cache"] == {"hits": 1, "misses": 3, "hit_rate": 0.25}
    assert body["experiment"]["arms"]["enhanced"]["mean_rating"] == 4.4
    assert body["experiment"]["arms"]["plain"]["mean_rating"] == 3.0
    assert body["experiment"]["difference"] == EXPECTED_DIFFERENCE


def test_equal_arms_by_hand() -> None:
    # Ten 4s and ten 5s against ten 3s and ten 4s: means 4.5 and 3.5, each variance
    # 5/19, se = sqrt(2 * (5/19) / 20) = 0.162221, df = 38, t(0.975, 38) = 2.0244:
    # 1.0 -/+ 0.32840.
    arms = {
        "enhanced": ArmStats(20, 0.0, 20, 90.0, 10 * 16 + 10 * 25, 0),
        "plain": ArmStats(20, 0.0, 20, 70.0, 10 * 9 + 10 * 16, 0),
    }
    difference = stats_body(Stats(40, 0, 0, 0, 0, 0, arms), 0.5)["experiment"]["difference"]
    assert difference["ci95"] == [0.6716, 1.3284]
    assert difference["df"] == 38.0


def test_too_few_ratings_say_so() -> None:
    arms = {
        "enhanced": ArmStats(5, 0.0, 19, 95.0, 475.0, 0),
        "plain": ArmStats(5, 0.0, 40, 40.0, 40.0, 0),
    }
    difference = stats_body(Stats(10, 0, 0, 0, 0, 0, arms), 0.5)["experiment"]["difference"]
    assert difference["status"] == "not enough ratings"
    assert "enhanced has 19, plain has 40" in difference["message"]
    assert "ci95" not in difference


def test_feedback_and_stats_end_to_end(backend: Deployment) -> None:
    backend.records.assign_arm("eve", "enhanced")
    backend.records.assign_arm("pat", "plain")
    enhanced = generate(backend, "eve")
    plain = generate(backend, "pat")
    for image, ratings in ((enhanced, ENHANCED), (plain, PLAIN)):
        for rating in ratings:
            assert rate(backend, {"image_id": image["image_id"], "rating": rating}) == (204, None)
    assert rate(backend, {"image_id": enhanced["image_id"], "preferred": True}) == (204, None)
    # What the backend holds: every rating, in the image's arm.
    rows = stored_ratings(backend.records, plain["image_id"])
    assert sorted(r[0] for r in rows) == sorted(PLAIN) and {r[2] for r in rows} == {"plain"}
    assert (None, True, "enhanced") in stored_ratings(backend.records, enhanced["image_id"])

    report = backend.http.get("/stats").json()
    status, through_lambda = backend.lambda_api("GET", "/stats")
    assert status == 200 and through_lambda == report
    cost = enhanced["cost_usd"] + plain["cost_usd"]
    assert report["images"] == 2
    assert report["cost_usd"] == pytest.approx(cost)
    assert report["experiment"]["share"] == 0.5
    assert report["experiment"]["arms"]["enhanced"] == {
        "images": 1,
        "cost_usd": pytest.approx(enhanced["cost_usd"]),
        "ratings": 20,
        "mean_rating": 4.4,
        "preferred": 1,
    }
    assert report["experiment"]["arms"]["plain"]["mean_rating"] == 3.0
    assert report["experiment"]["difference"] == EXPECTED_DIFFERENCE


def test_cache_and_fallbacks_counted(backend: Deployment) -> None:
    first = generate(backend, "u", seed=42, enhance_prompt=False)
    again = generate(backend, "u", seed=42, enhance_prompt=False)
    assert again["cache"] == "hit"
    report = backend.http.get("/stats").json()
    assert report["images"] == 1
    assert report["saved_usd"] == pytest.approx(first["cost_usd"])
    assert report["cache"] == {"hits": 1, "misses": 1, "hit_rate": 0.5}
    assert report["enhancement_fallbacks"] == 0
    assert report["experiment"]["difference"]["status"] == "not enough ratings"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"image_id": "x", "rating": 0}, "rating"),
        ({"image_id": "x", "rating": 6}, "rating"),
        ({"image_id": "x", "rating": 4.5}, "rating"),
        ({"image_id": "x", "rating": "5"}, "rating"),
        ({"image_id": "x", "rating": True}, "rating"),
        ({"image_id": "x"}, "rating"),
        ({"image_id": "x", "rating": 5, "preferred": True}, "preferred"),
        ({"image_id": "x", "preferred": False}, "preferred"),
        ({"rating": 5}, "image_id"),
        ({"image_id": "x", "rating": 5, "stars": 5}, "stars"),
        ([], "body"),
    ],
)
def test_bad_feedback_is_a_400_naming_the_field(backend: Deployment, body: Any, field: str) -> None:
    status, error = rate(backend, body)
    assert status == 400
    assert error is not None and error["error"] == "ValidationError" and error["field"] == field


def test_feedback_on_an_unknown_image_is_404(backend: Deployment) -> None:
    status, error = rate(backend, {"image_id": "0" * 32, "rating": 5})
    assert status == 404
    assert error is not None and error["error"] == "NotFound" and error["field"] == "image_id"
    assert backend.http.get("/stats").json()["experiment"]["arms"]["plain"]["ratings"] == 0
