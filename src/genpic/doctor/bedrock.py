"""Bedrock checks: the region offers each model (and its lifecycle), access, the guardrail.

Control-plane calls (``bedrock``), made as the deployer:
ListFoundationModels, GetFoundationModelAvailability and GetGuardrail
(https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetFoundationModelAvailability.html).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from genpic.awssdk.errors import error_code
from genpic.catalog import lifecycle_warnings, retirement
from genpic.doctor.base import Check, Clients, call_failed
from genpic.doctor.deployment import Deployment

MODEL_ACCESS_FIX = (
    "Open the Bedrock console in {region}, Model access, and request access to {model} "
    "(for Anthropic and Marketplace models, also accept the offer); then run genpic doctor again."
)


def model_checks(deployment: Deployment, clients: Clients) -> list[Check]:
    """One row per model (offered in the region, lifecycle), then one per model's access."""
    region = deployment.region
    try:
        summaries = clients.get("bedrock").list_foundation_models()["modelSummaries"]
    except Exception as exc:
        return [call_failed("models", exc, "bedrock:ListFoundationModels", region)]
    offered = {summary["modelId"]: summary for summary in summaries}
    rows = [_offered(model, offered.get(model), region) for model in deployment.models]
    rows += [
        _access(model, clients, region) if model in offered else _not_offered_access(model)
        for model in deployment.models
    ]
    return rows


def guardrail_check(deployment: Deployment, clients: Clients) -> Check:
    """The configured guardrail version exists and is READY."""
    if deployment.guardrail is None:
        return Check("guardrail", "skip", "none configured (GENPIC_GUARDRAIL_ID)")
    guardrail_id, version = deployment.guardrail
    name = f"guardrail {guardrail_id}:{version}"
    try:
        found = clients.get("bedrock").get_guardrail(
            guardrailIdentifier=guardrail_id, guardrailVersion=version
        )
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return Check(
                name,
                "fail",
                f"no guardrail {guardrail_id} version {version} in {deployment.region}",
                "Create it (Bedrock console, Guardrails) or publish that version, or correct "
                "GENPIC_GUARDRAIL_ID / GENPIC_GUARDRAIL_VERSION (the stack's Guardrail and "
                "GuardrailVersion parameters).",
            )
        return call_failed(name, exc, "bedrock:GetGuardrail", deployment.region)
    status = found["status"]
    if status != "READY":
        return Check(
            name,
            "fail",
            f"status {status}",
            "Wait for it to be READY, or fix it in the Bedrock console (Guardrails).",
        )
    return Check(name, "ok", f"READY ({found['name']})")


def _offered(model: str, summary: dict[str, Any] | None, region: str) -> Check:
    name = f"model {model}"
    retired = retirement(model)
    if retired is not None:
        return Check(
            name,
            "fail",
            retired,
            "Choose an active model (the ImageModel/TextModel parameters, GENPIC_ALLOWED_MODELS); "
            "genpic models lists them.",
        )
    if summary is None:
        return Check(
            name,
            "fail",
            f"{region} does not offer it",
            f"Deploy in a region that offers {model} (us-west-2 offers genpic's default models), "
            "or choose another model (the ImageModel/TextModel parameters, GENPIC_ALLOWED_MODELS).",
        )
    lifecycle = summary.get("modelLifecycle", {})
    status = lifecycle.get("status", "ACTIVE")
    coming = lifecycle_warnings(model)
    if coming:
        return Check(name, "warn", coming[0], "Plan the move before its end of life.")
    if status == "LEGACY":
        end = lifecycle.get("endOfLifeTime")
        when = f", end of life {end:%Y-%m-%d}" if isinstance(end, datetime) else ""
        return Check(
            name,
            "warn",
            f"offered in {region}, LEGACY{when}",
            "Plan the move to an ACTIVE model before its end of life.",
        )
    return Check(name, "ok", f"offered in {region}, {status}")


def _access(model: str, clients: Clients, region: str) -> Check:
    name = f"access {model}"
    try:
        found = clients.get("bedrock").get_foundation_model_availability(modelId=model)
    except Exception as exc:
        return call_failed(name, exc, "bedrock:GetFoundationModelAvailability", region)
    entitled = found["entitlementAvailability"] == "AVAILABLE"
    agreement = found.get("agreementAvailability", {}).get("status", "AVAILABLE")
    if not entitled or agreement != "AVAILABLE":
        return Check(
            name,
            "fail",
            f"not granted (entitlement {found['entitlementAvailability']}, agreement {agreement})",
            MODEL_ACCESS_FIX.format(region=region, model=model),
        )
    if found["authorizationStatus"] != "AUTHORIZED":
        # The functions call the model with their own roles; this is the deployer's identity.
        return Check(
            name,
            "warn",
            "granted to the account; your credentials are not authorized to invoke it",
            "Nothing to do for the functions (their roles grant bedrock:InvokeModel); grant it "
            "to your identity to test models from your shell.",
        )
    return Check(name, "ok", "granted")


def _not_offered_access(model: str) -> Check:
    return Check(f"access {model}", "skip", "not offered in this region")
