"""The stack passes RateLimit and DailyQuota to every function as genpic reads them."""

from __future__ import annotations

import re

import pytest

from genpic.settings import Settings
from tests.deploy.cfn import Evaluator
from tests.deploy.roles import FUNCTIONS, TEMPLATE, environment


@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_limits_reach_every_function_only_when_set(function: str) -> None:
    limited = Evaluator(TEMPLATE, {"RateLimit": "30/minute", "DailyQuota": "500"})
    settings = Settings.from_env(environment(limited, function))
    assert (settings.rate_limit, settings.daily_quota) == ((30, 60), 500)
    unlimited = environment(Evaluator(TEMPLATE), function)
    assert not {"GENPIC_RATE_LIMIT", "GENPIC_DAILY_QUOTA"} & set(unlimited)


def test_the_parameters_accept_what_genpic_parses() -> None:
    pattern = TEMPLATE["Parameters"]["RateLimit"]["AllowedPattern"]
    for value in ("", "30/minute", "500/hour", "1/second", "9/day"):
        assert re.fullmatch(pattern, value)
        if value:
            assert Settings.from_env({"GENPIC_RATE_LIMIT": value}).rate_limit
    for value in ("0/minute", "30/min", "30"):
        assert not re.fullmatch(pattern, value)
