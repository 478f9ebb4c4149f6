"""The request budget: the defaults fit API Gateway, and no stage can spend another's time."""

from __future__ import annotations

import itertools

import pytest

from genpic import deadline
from genpic.awssdk.clients import attempt_seconds
from genpic.deadline import HELD_BACK, STAGES, Deadline, Stage, request_deadline
from genpic.errors import ConfigurationError, UpstreamTimeout
from genpic.settings import Settings

REST_API_LIMIT_S = 29.0
# What botocore allows per call in genpic (GENPIC_MODEL_ATTEMPTS and S3's 3).
ATTEMPTS = 3


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def worst_case(budget_s: float, stages: tuple[Stage, ...], settings: Settings) -> dict[str, float]:
    """Run ``stages`` with every attempt timing out, every retry the rule admits, longest back-off.

    Return the clock after each stage.
    """
    clock = Clock()
    running = Deadline(budget_s, clock)
    ends: dict[str, float] = {}
    for stage in stages:
        seconds = attempt_seconds(running.allot(stage, deadline.cap(settings, stage)))
        clock.now += seconds
        for attempts in range(1, ATTEMPTS):
            backoff = deadline.max_backoff(attempts, answered=True, retry_after=True)
            if not running.may_retry(stage, seconds, backoff):
                break
            clock.now += backoff + seconds
        ends[stage] = clock.now
    return ends


def test_the_default_budget_leaves_a_second_under_api_gateway() -> None:
    assert Settings().request_timeout_s <= REST_API_LIMIT_S - 1
    assert Settings.from_env({}).request_timeout_s == Settings().request_timeout_s


def test_each_default_cap_fits_beside_what_the_later_stages_hold_back() -> None:
    settings = Settings()
    running = Deadline(settings.request_timeout_s)
    for stage in STAGES:
        assert deadline.cap(settings, stage) + running.held_back(stage) < REST_API_LIMIT_S - 1
    assert sum(HELD_BACK.values()) < 1


@pytest.mark.parametrize("budget_s", [28.0, 10.0, 3.0])
@pytest.mark.parametrize(
    "stages",
    [s for n in range(1, 5) for s in itertools.combinations(STAGES, n) if s[-1] == "store"],
)
def test_every_upstream_at_its_slowest_still_answers_inside_the_budget(
    budget_s: float, stages: tuple[Stage, ...]
) -> None:
    ends = worst_case(budget_s, stages, Settings())
    assert ends["store"] <= budget_s + 1e-9
    if "model" in stages:
        before_model = ends[stages[stages.index("model") - 1]] if stages[0] != "model" else 0.0
        # The model always has the share held back for it, and the store its own after it.
        assert ends["model"] - before_model >= attempt_seconds(budget_s * HELD_BACK["model"])
        assert budget_s - ends["model"] >= budget_s * HELD_BACK["store"] - 1e-9


def test_a_slow_text_model_cannot_take_the_image_models_time() -> None:
    settings = Settings(enhance_timeout_s=60.0)
    clock = Clock()
    running = Deadline(28.0, clock)
    assert running.allot("text", deadline.cap(settings, "text")) == pytest.approx(28 * 0.5)
    clock.now = 14.0
    assert running.allot("model", deadline.cap(settings, "model")) == pytest.approx(14 - 4.2)


def test_a_stage_with_no_time_left_is_not_started_but_the_store_always_is() -> None:
    clock = Clock()
    running = Deadline(28.0, clock)
    clock.now = 27.0
    with pytest.raises(UpstreamTimeout) as caught:
        running.allot("model", 20.0)
    assert "GENPIC_REQUEST_TIMEOUT" in caught.value.message
    clock.now = 30.0
    assert running.allot("store", 10.0) == pytest.approx(28 * 0.15 / 2)


def test_a_retry_must_fit_with_its_back_off() -> None:
    clock = Clock()
    running = Deadline(10.0, clock)
    clock.now = 5.0
    assert running.may_retry("store", 4.0, 1.0)
    assert not running.may_retry("store", 4.0, 1.5)
    assert not running.may_retry("model", 4.0, 0.0)  # 1.5 s are the store's


def test_outside_a_request_a_stage_gets_its_cap() -> None:
    assert deadline.current() is None
    assert deadline.allot("model", 20.0) == 20.0
    with request_deadline(3.0) as running:
        assert deadline.current() is running
        assert deadline.allot("model", 20.0) < 3.0
    assert deadline.current() is None


def test_backoff_bounds_follow_botocore_standard_mode() -> None:
    assert deadline.max_backoff(1, answered=True) == 1.0
    assert deadline.max_backoff(2, answered=False) == pytest.approx(0.1)
    assert deadline.max_backoff(9, answered=True, retry_after=True) == 25.0


@pytest.mark.parametrize(
    ("allotted", "grid"), [(0.1, 0.25), (1.9, 1.75), (4.99, 4.75), (17.8, 17.0)]
)
def test_client_timeouts_are_rounded_down_to_a_small_grid(allotted: float, grid: float) -> None:
    assert attempt_seconds(allotted) == grid


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_a_bad_request_timeout_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_env({"GENPIC_REQUEST_TIMEOUT": value})
    assert "GENPIC_REQUEST_TIMEOUT" in caught.value.message
