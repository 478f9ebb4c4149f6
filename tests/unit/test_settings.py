"""Defaults depend on where genpic runs; everything switches by environment variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from genpic.catalog import EDIT_MODELS, SD35_LARGE, STABLE_IMAGE_CORE, STABLE_IMAGE_ULTRA
from genpic.errors import ConfigurationError
from genpic.settings import Settings


def test_laptop_defaults_are_offline() -> None:
    settings = Settings.from_env({})
    assert (settings.engine, settings.enhancer, settings.storage) == (
        "preview",
        "template",
        "local",
    )
    assert settings.data_dir == Path("genpic-data")
    assert settings.region == "us-west-2"
    assert settings.text_model == "amazon.nova-pro-v1:0"
    # The three text-to-image models, then the 13 image services behind POST /edit.
    assert settings.allowed_models[:3] == (SD35_LARGE, STABLE_IMAGE_CORE, STABLE_IMAGE_ULTRA)
    assert settings.allowed_models[3:] == tuple(m.model_id for m in EDIT_MODELS)
    assert (settings.model_timeout_s, settings.enhance_timeout_s) == (20.0, 6.0)


def test_lambda_defaults_are_bedrock_and_s3() -> None:
    settings = Settings.from_env(
        {"AWS_LAMBDA_FUNCTION_NAME": "aws_gen_pic", "AWS_REGION": "eu-central-1"}
    )
    assert (settings.engine, settings.enhancer, settings.storage) == ("bedrock", "bedrock", "s3")
    assert settings.region == "eu-central-1"


def test_every_choice_switches_by_variable() -> None:
    settings = Settings.from_env(
        {
            "AWS_LAMBDA_FUNCTION_NAME": "aws_gen_pic",
            "GENPIC_ENGINE": "Preview",
            "GENPIC_ENHANCER": "off",
            "GENPIC_STORAGE": "local",
            "GENPIC_DATA_DIR": "/tmp/x",
            "OUTPUT_BUCKET": "out",
            "INPUT_BUCKET": "in",
            "GENPIC_IMAGE_MODEL": "stability.sd3-5-medium-v1:0",
            "GENPIC_TEXT_MODEL": "us.amazon.nova-lite-v1:0",
            "GENPIC_ALLOWED_MODELS": "stability.stable-image-core-v1:1, ",
            "GENPIC_PUBLIC_URL": "http://127.0.0.1:8080/",
            "GENPIC_MODEL_TIMEOUT": "12.5",
            "GENPIC_ENHANCE_TIMEOUT": "4",
            "GENPIC_MODEL_ATTEMPTS": "2",
        }
    )
    assert (settings.engine, settings.enhancer, settings.storage) == ("preview", "off", "local")
    assert settings.data_dir == Path("/tmp/x")
    assert (settings.output_bucket, settings.input_bucket) == ("out", "in")
    assert settings.text_model == "us.amazon.nova-lite-v1:0"
    # The default image model is always allowed, or no request without `model` could pass.
    assert settings.allowed_models == (
        "stability.stable-image-core-v1:1",
        "stability.sd3-5-medium-v1:0",
    )
    assert settings.public_url == "http://127.0.0.1:8080"
    assert (settings.model_timeout_s, settings.model_attempts) == (12.5, 2)
    assert settings.enhance_timeout_s == 4


@pytest.mark.parametrize("value", ["abc", "0", "-3"])
def test_bad_numbers_name_the_variable(value: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_env({"GENPIC_MODEL_TIMEOUT": value})
    assert "GENPIC_MODEL_TIMEOUT" in caught.value.message


@pytest.mark.parametrize(("raw", "mode"), [(None, "auto"), ("ON", "on"), (" off ", "off")])
def test_genpic_translate_picks_the_translation_mode(raw: str | None, mode: str) -> None:
    env = {} if raw is None else {"GENPIC_TRANSLATE": raw}
    assert Settings.from_env(env).translate == mode


def test_a_bad_genpic_translate_names_the_variable_and_the_choices() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_env({"GENPIC_TRANSLATE": "yes"})
    assert caught.value.message == (
        "GENPIC_TRANSLATE='yes' is not supported; use one of auto, on, off."
    )
