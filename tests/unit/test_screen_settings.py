"""The guardrail's settings: ids and versions in ApplyGuardrail's own patterns, images opt-in."""

from __future__ import annotations

import pytest

from genpic.errors import ConfigurationError
from genpic.settings import Settings

ARN = "arn:aws:bedrock:us-west-2:123456789012:guardrail/abc123def"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, (None, "DRAFT", False)),
        ({"GENPIC_GUARDRAIL_ID": "abc123def"}, ("abc123def", "DRAFT", False)),
        (
            {"GENPIC_GUARDRAIL_ID": ARN, "GENPIC_GUARDRAIL_VERSION": "12"},
            (ARN, "12", False),
        ),
        ({"GENPIC_GUARDRAIL_ID": "abc", "GENPIC_GUARDRAIL_IMAGES": "ON"}, ("abc", "DRAFT", True)),
    ],
)
def test_guardrail_settings(env: dict[str, str], expected: tuple[object, ...]) -> None:
    settings = Settings.from_env(env)
    assert (
        settings.guardrail_id,
        settings.guardrail_version,
        settings.guardrail_images,
    ) == expected


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"GENPIC_GUARDRAIL_ID": "My Guardrail"}, "GENPIC_GUARDRAIL_ID"),
        ({"GENPIC_GUARDRAIL_VERSION": "draft"}, "GENPIC_GUARDRAIL_VERSION"),
        ({"GENPIC_GUARDRAIL_VERSION": "0"}, "GENPIC_GUARDRAIL_VERSION"),
        ({"GENPIC_GUARDRAIL_IMAGES": "yes"}, "GENPIC_GUARDRAIL_IMAGES"),
    ],
)
def test_a_malformed_guardrail_setting_names_its_variable(
    env: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigurationError, match=f"^{variable}="):
        Settings.from_env(env)
