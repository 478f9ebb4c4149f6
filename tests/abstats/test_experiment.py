"""The A/B experiment: arms at the configured share, sticky per user, deciding enhancement."""

from __future__ import annotations

import math
import threading
from typing import Any

import pytest

from genpic.aws import handlers
from genpic.errors import ConfigurationError
from genpic.experiment import Experiment
from genpic.request import parse_request
from genpic.settings import Settings
from tests.abstats.conftest import Deployment, stored_arm
from tests.support.lambda_context import LambdaContext

MODEL = "stability.sd3-5-large-v1:0"
ASSIGNMENTS = 400
# A correct implementation fails the split check once in a million runs.
ALPHA = 1e-6


def binomial_bounds(n: int, p: float, alpha: float = ALPHA) -> tuple[int, int]:
    """Return the widest [low, high] with P(X < low) and P(X > high) each <= alpha / 2."""
    pmf = [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]
    low, tail = 0, 0.0
    while tail + pmf[low] <= alpha / 2:
        tail += pmf[low]
        low += 1
    high, tail = n, 0.0
    while tail + pmf[high] <= alpha / 2:
        tail += pmf[high]
        high -= 1
    return low, high


def undecided(**fields: Any) -> Any:
    """A request to an enhancing entry point that does not say enhance_prompt."""
    return parse_request(
        {"prompt": "a lighthouse", **fields}, allowed_models=[MODEL], enhance_default=True
    )


def test_the_bounds_would_catch_an_ignored_share() -> None:
    low, high = binomial_bounds(ASSIGNMENTS, 0.3)
    # 400 draws at 0.3: mean 120, sd 9.2; the bounds sit about 5 sd out.
    assert (low, high) == (77, 166)
    assert not low <= ASSIGNMENTS // 2 <= high  # a 50/50 split would fail the check


@pytest.mark.parametrize("share", [0.3, 0.5, 0.85])
def test_split_per_user_within_binomial_tolerance(backend: Deployment, share: float) -> None:
    experiment = Experiment(share, backend.records)
    arms = [experiment.assign(undecided(user=f"user-{i}")).ab_arm for i in range(ASSIGNMENTS)]
    low, high = binomial_bounds(ASSIGNMENTS, share)
    assert low <= arms.count("enhanced") <= high
    assert set(arms) == {"enhanced", "plain"}
    # Each assignment was stored, as the backend itself says.
    assert [stored_arm(backend.records, f"user-{i}") for i in (0, 1, 2)] == arms[:3]


def test_split_without_user_is_random_per_request() -> None:
    experiment = Experiment(0.3, records=None)
    arms = [experiment.assign(undecided()).ab_arm for _ in range(ASSIGNMENTS)]
    low, high = binomial_bounds(ASSIGNMENTS, 0.3)
    assert low <= arms.count("enhanced") <= high


@pytest.mark.parametrize(("share", "arm"), [(0.0, "plain"), (1.0, "enhanced")])
def test_shares_zero_and_one_are_all_one_arm(share: float, arm: str) -> None:
    experiment = Experiment(share, records=None)
    assert {experiment.assign(undecided()).ab_arm for _ in range(50)} == {arm}


def test_concurrent_first_requests_of_a_user_agree(backend: Deployment) -> None:
    draws = iter([0.1, 0.9] * 8)  # alternate arms: only the store can make them agree
    lock = threading.Lock()

    def draw() -> float:
        with lock:
            return next(draws)

    experiment = Experiment(0.5, backend.records, draw=draw)
    start = threading.Barrier(16)
    arms: list[str | None] = []

    def first_request() -> None:
        start.wait()
        arms.append(experiment.assign(undecided(user="racer")).ab_arm)

    threads = [threading.Thread(target=first_request) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(arms) == 16 and len(set(arms)) == 1
    assert stored_arm(backend.records, "racer") == arms[0]


def test_explicit_enhance_prompt_and_styles_stay_out() -> None:
    experiment = Experiment(0.5, records=None)
    for request in (
        undecided(enhance_prompt=True),
        undecided(enhance_prompt=False),
        undecided(styles=["anime", "cinematic"]),
        parse_request({"prompt": "x"}, allowed_models=[MODEL], enhance_default=False),
    ):
        assigned = experiment.assign(request)
        assert assigned.ab_arm is None
        assert assigned.enhance_prompt == request.enhance_prompt


def test_arm_decides_enhancement_through_http_and_lambda(backend: Deployment) -> None:
    backend.records.assign_arm("pat", "plain")
    backend.records.assign_arm("eve", "enhanced")
    for _ in range(2):
        plain = backend.http.post("/generate-enhanced", json={"prompt": "a fox", "user": "pat"})
        assert plain.status_code == 200, plain.text
        assert plain.json()["ab_arm"] == "plain"
        assert plain.json()["enhancement"]["status"] == "off"
        assert "enhanced_prompt" not in plain.json()
        status, enhanced = backend.lambda_enhance({"prompt": "a fox", "user": "eve"})
        assert status == 200, enhanced
        assert enhanced["ab_arm"] == "enhanced"
        assert enhanced["enhancement"]["status"] == "applied"
        assert enhanced["enhanced_prompt"] != "a fox"
    # The image records carry the arm (GET /images shows what was stored).
    listed = backend.http.get("/images").json()["images"]
    assert [image["ab_arm"] for image in listed] == ["enhanced", "plain"] * 2
    assert [backend.records.get_image(i["image_id"]).ab_arm for i in listed[:2]] == [  # type: ignore[union-attr]
        "enhanced",
        "plain",
    ]


def test_no_arm_where_the_experiment_does_not_apply(backend: Deployment) -> None:
    for path, body in (
        ("/generate", {"prompt": "a fox", "user": "pat"}),
        ("/generate-enhanced", {"prompt": "a fox", "user": "pat", "enhance_prompt": True}),
        ("/generate-enhanced", {"prompt": "a fox", "enhance_prompt": False}),
    ):
        response = backend.http.post(path, json=body)
        assert response.status_code == 200, response.text
        assert "ab_arm" not in response.json()
    assert stored_arm(backend.records, "pat") is None


def test_user_is_checked(backend: Deployment) -> None:
    for user in ("", "u" * 129, 7):
        response = backend.http.post("/generate-enhanced", json={"prompt": "a", "user": user})
        assert response.status_code == 400
        assert response.json()["field"] == "user"


@pytest.mark.parametrize("value", ["1.5", "-0.1", "half", "nan"])
def test_a_bad_share_is_a_configuration_error(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="GENPIC_AB_ENHANCE_SHARE"):
        Settings.from_env({"GENPIC_AB_ENHANCE_SHARE": value})
    monkeypatch.setenv("GENPIC_AB_ENHANCE_SHARE", value)
    response = handlers.enhance({"prompt": "a cat"}, LambdaContext(function_name="enhance_prompt"))
    assert response["statusCode"] == 500
    assert '"ConfigurationError"' in response["body"]
    assert "GENPIC_AB_ENHANCE_SHARE" in response["body"]
