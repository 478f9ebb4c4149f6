"""Output key naming and the price table."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from genpic.catalog import (
    NOVA_CANVAS,
    NOVA_PRO,
    SD35_LARGE,
    STABLE_IMAGE_CORE,
    STABLE_IMAGE_ULTRA,
    TITAN_IMAGE_V2,
    base_model_id,
    image_cost,
    image_model,
    retirement,
    text_cost,
)
from genpic.keys import new_output_key


@pytest.mark.parametrize(
    ("model", "prefix"),
    [
        (SD35_LARGE, "sd35"),
        (STABLE_IMAGE_CORE, "core"),
        (STABLE_IMAGE_ULTRA, "ultra"),
        ("us.stability.stable-image-inpaint-v1:0", "inpaint"),
        ("us." + STABLE_IMAGE_ULTRA, "ultra"),
        ("vendor.some-model:2", "somemodel"),
    ],
)
def test_key_names_the_model_and_the_time(model: str, prefix: str) -> None:
    key = new_output_key(model, "png", datetime(2025, 11, 6, 10, 30, 22, tzinfo=UTC))
    assert re.fullmatch(rf"outputs/{prefix}_20251106_103022_[0-9a-f]{{32}}\.png", key)


@pytest.mark.parametrize(
    ("model", "price"),
    [(SD35_LARGE, 0.08), (STABLE_IMAGE_CORE, 0.04), (STABLE_IMAGE_ULTRA, 0.14), ("other", 0.0)],
)
def test_image_prices(model: str, price: float) -> None:
    assert image_cost(model) == pytest.approx(price)
    assert image_cost(model, images=3) == pytest.approx(3 * price)


def test_nova_pro_token_prices_and_inference_profiles() -> None:
    assert text_cost(NOVA_PRO, 1000, 1000) == pytest.approx(0.0008 + 0.0032)
    assert text_cost("us." + NOVA_PRO, 500, 250) == pytest.approx(0.0004 + 0.0008)
    assert text_cost("unknown.model", 1000, 1000) == 0.0
    assert base_model_id("eu.amazon.nova-pro-v1:0") == NOVA_PRO
    assert base_model_id(SD35_LARGE) == SD35_LARGE


@pytest.mark.parametrize("model", [NOVA_CANVAS, TITAN_IMAGE_V2, f"us.{NOVA_CANVAS}"])
def test_a_retired_model_is_no_image_model_any_more_only_a_pointer_to_its_replacement(
    model: str,
) -> None:
    assert image_model(model) is None
    assert image_cost(model) == 0.0
    refusal = retirement(model)
    assert refusal is not None
    assert refusal.endswith(f"use Stable Diffusion 3.5 Large ({SD35_LARGE}) instead")
