"""Bedrock's control plane, as much as ``genpic doctor`` asks of it, for the Bedrock double.

Shapes from botocore's ``bedrock`` service model (2023-04-20) and the API reference:
``GET /foundation-models`` (ListFoundationModels: ``modelSummaries``, each with
``modelLifecycle.status`` ACTIVE | LEGACY), ``GET /foundation-model-availability/{modelId}``
(GetFoundationModelAvailability: ``authorizationStatus`` AUTHORIZED | NOT_AUTHORIZED,
``entitlementAvailability`` and ``regionAvailability`` AVAILABLE | NOT_AVAILABLE,
``agreementAvailability.status`` AVAILABLE | PENDING | NOT_AVAILABLE | ERROR) and
``GET /guardrails/{guardrailIdentifier}?guardrailVersion=`` (GetGuardrail, ``status``
CREATING | UPDATING | VERSIONING | READY | FAILED | DELETING).
https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetFoundationModelAvailability.html
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import botocore.session
from botocore.model import StringShape

from tests.support.stability_services import SERVICES

REGION = "us-west-2"
ACCOUNT = "123456789012"
_MODEL = botocore.session.get_session().get_service_model("bedrock")


def _enum(shape: str) -> frozenset[str]:
    found = _MODEL.shape_for(shape)
    assert isinstance(found, StringShape)
    return frozenset(found.enum)


LIFECYCLES = _enum("FoundationModelLifecycleStatus")
AGREEMENTS = _enum("AgreementStatus")
GUARDRAIL_STATUSES = _enum("GuardrailStatus")
#: What us-west-2 offers of the models genpic knows (its defaults, the image services and the
#: Nova text models).
OFFERED = {
    "stability.sd3-5-large-v1:0": ("Stability AI", "IMAGE"),
    "stability.stable-image-core-v1:1": ("Stability AI", "IMAGE"),
    "stability.stable-image-ultra-v1:1": ("Stability AI", "IMAGE"),
    "amazon.nova-pro-v1:0": ("Amazon", "TEXT"),
    "amazon.nova-lite-v1:0": ("Amazon", "TEXT"),
    # The image services, listed by model id (they are invoked through their us. profiles).
    **dict.fromkeys(SERVICES, ("Stability AI", "IMAGE")),
}
_ROUTES = {
    "ListFoundationModels": re.compile(r"^/foundation-models$"),
    "GetFoundationModelAvailability": re.compile(r"^/foundation-model-availability/([^/]+)$"),
    "GetGuardrail": re.compile(r"^/guardrails/([^/]+)$"),
}


@dataclass
class Access:
    """A model's availability to the account, as GetFoundationModelAvailability reports it."""

    authorization: str = "AUTHORIZED"
    entitlement: str = "AVAILABLE"
    agreement: str = "AVAILABLE"


@dataclass
class ControlPlane:
    """The offered models, the account's access to them, and its guardrails."""

    models: dict[str, str] = field(default_factory=dict)  # model id -> lifecycle status
    access: dict[str, Access] = field(default_factory=dict)
    guardrails: dict[tuple[str, str], str] = field(default_factory=dict)  # (id, version) -> status
    calls: list[tuple[str, str]] = field(default_factory=list)  # (operation, path)
    # operation -> (status, error type, message) it answers instead, once.
    failures: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        """Offer the default models, all accessible, and no guardrail."""
        with self._lock:
            self.models = dict.fromkeys(OFFERED, "ACTIVE")
            self.access = {model: Access() for model in OFFERED}
            self.guardrails = {}
            self.calls = []
            self.failures = {}

    def withdraw(self, model_id: str) -> None:
        """Stop offering ``model_id`` in this region."""
        with self._lock:
            self.models.pop(model_id, None)

    def set_lifecycle(self, model_id: str, status: str) -> None:
        """Mark an offered model ACTIVE or LEGACY."""
        assert status in LIFECYCLES, status
        with self._lock:
            self.models[model_id] = status

    def deny(self, model_id: str, **fields: str) -> None:
        """Set the access fields of ``model_id`` (``entitlement="NOT_AVAILABLE"`` etc.)."""
        with self._lock:
            access = self.access.setdefault(model_id, Access())
            for name, value in fields.items():
                setattr(access, name, value)

    def fail(self, operation: str, error_type: str, status: int, message: str) -> None:
        """Answer the next ``operation`` call with this error (``AccessDeniedException``, 403)."""
        with self._lock:
            self.failures[operation] = (status, error_type, message)

    def add_guardrail(
        self, guardrail_id: str, version: str = "DRAFT", status: str = "READY"
    ) -> None:
        """Create a guardrail version in ``status``."""
        assert status in GUARDRAIL_STATUSES, status
        with self._lock:
            self.guardrails[(guardrail_id, version)] = status

    def answer(self, method: str, target: str) -> tuple[int, dict[str, Any], str | None] | None:
        """Answer a control-plane request: (status, body, error type), or None if not one."""
        if method != "GET":
            return None
        url = urlsplit(target)
        for operation, route in _ROUTES.items():
            match = route.match(url.path)
            if match is None:
                continue
            with self._lock:
                self.calls.append((operation, url.path))
                failure = self.failures.pop(operation, None)
                if failure is not None:
                    status, error_type, message = failure
                    return status, {"message": message}, error_type
                query = {name: values[0] for name, values in parse_qs(url.query).items()}
                arguments = [unquote(group) for group in match.groups()]
                handler = getattr(self, f"_{operation}")
                return handler(*arguments, **query)  # type: ignore[no-any-return]
        return None

    def _ListFoundationModels(self, **query: str) -> tuple[int, dict[str, Any], str | None]:
        summaries = [
            self._summary(model_id, status)
            for model_id, status in self.models.items()
            if query.get("byOutputModality") in (None, OFFERED.get(model_id, ("", ""))[1])
        ]
        return 200, {"modelSummaries": summaries}, None

    def _GetFoundationModelAvailability(
        self, model_id: str
    ) -> tuple[int, dict[str, Any], str | None]:
        if model_id not in OFFERED:
            return 404, {"message": f"Model {model_id} not found."}, "ResourceNotFoundException"
        access = self.access.get(model_id, Access())
        offered = model_id in self.models
        return (
            200,
            {
                "modelId": model_id,
                "agreementAvailability": {"status": access.agreement},
                "authorizationStatus": access.authorization,
                "entitlementAvailability": access.entitlement,
                "regionAvailability": "AVAILABLE" if offered else "NOT_AVAILABLE",
            },
            None,
        )

    def _GetGuardrail(
        self, identifier: str, guardrailVersion: str = "DRAFT"
    ) -> tuple[int, dict[str, Any], str | None]:
        guardrail_id = identifier.rsplit("/", 1)[-1]
        status = self.guardrails.get((guardrail_id, guardrailVersion))
        if status is None:
            message = f"The guardrail {identifier} version {guardrailVersion} was not found."
            return 404, {"message": message}, "ResourceNotFoundException"
        arn = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/{guardrail_id}"
        return (
            200,
            {
                "name": f"genpic-{guardrail_id}",
                "guardrailId": guardrail_id,
                "guardrailArn": arn,
                "version": guardrailVersion,
                "status": status,
                "createdAt": "2026-11-01T00:00:00Z",
                "updatedAt": "2026-11-01T00:00:00Z",
                "blockedInputMessaging": "Sorry, the model cannot answer this question.",
                "blockedOutputsMessaging": "Sorry, the model cannot answer this question.",
            },
            None,
        )

    def _summary(self, model_id: str, status: str) -> dict[str, Any]:
        provider, modality = OFFERED.get(model_id, ("Unknown", "IMAGE"))
        lifecycle: dict[str, Any] = {"status": status}
        if status == "LEGACY":
            lifecycle["endOfLifeTime"] = 1798761600  # 2027-01-01T00:00:00Z
        return {
            "modelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{model_id}",
            "modelId": model_id,
            "modelName": model_id,
            "providerName": provider,
            "inputModalities": ["TEXT"],
            "outputModalities": [modality],
            "responseStreamingSupported": modality == "TEXT",
            "customizationsSupported": [],
            "inferenceTypesSupported": ["ON_DEMAND"],
            "modelLifecycle": lifecycle,
        }
