"""What to check: the deployment the environment describes, or a CloudFormation stack's."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from genpic.catalog import base_model_id
from genpic.settings import Settings

DEFAULT_GUARDRAIL_VERSION = "DRAFT"

# template.yaml's outputs and parameters, and the setting each one is.
_OUTPUTS = {
    "OutputBucketName": "output_bucket",
    "InputBucketName": "input_bucket",
    "RecordsTableName": "table",
    "JobsQueueUrl": "queue_url",
}
_IMAGE_MODEL_PARAMETERS = ("ImageModel", "ImageModel2", "ImageModel3", "ImageModel4")


@dataclass(frozen=True)
class Deployment:
    """The resources and models one deployment uses.

    Attributes
    ----------
    source
        Where they were read from: ``environment`` or ``stack NAME``.
    settings
        Region, buckets, table, queue and models, as the functions see them.
    guardrail
        The Bedrock guardrail's id and version, or None.
    """

    source: str
    settings: Settings
    guardrail: tuple[str, str] | None = None

    @property
    def region(self) -> str:
        """The region every check runs in."""
        return self.settings.region

    @property
    def models(self) -> tuple[str, ...]:
        """Foundation models requests may use (inference profiles as their base model)."""
        wanted = (*self.settings.allowed_models, self.settings.text_model)
        return tuple(dict.fromkeys(base_model_id(model) for model in wanted))


def from_environment(region: str | None = None) -> Deployment:
    """Read the deployment from the variables the functions read (``--region`` overriding)."""
    settings = Settings.from_env()
    if region:
        settings = dataclasses.replace(settings, region=region)
    guardrail = settings.guardrail_id
    return Deployment(
        "environment", settings, (guardrail, settings.guardrail_version) if guardrail else None
    )


def from_stack(stack: dict[str, Any], region: str) -> Deployment:
    """Read the deployment from one DescribeStacks ``Stacks`` entry of template.yaml's stack."""
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    parameters = {
        p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])
    }
    settings = Settings(region=region, engine="bedrock", enhancer="bedrock", storage="s3")
    fields: dict[str, Any] = {
        setting: outputs[output] for output, setting in _OUTPUTS.items() if outputs.get(output)
    }
    models = tuple(m for m in (parameters.get(p, "") for p in _IMAGE_MODEL_PARAMETERS) if m)
    if models:
        fields.update(image_model=models[0], allowed_models=models)
    if parameters.get("TextModel"):
        fields["text_model"] = parameters["TextModel"]
    guardrail_id = outputs.get("GuardrailId")
    # A guardrail the stack creates is applied at DRAFT; GuardrailVersion is an existing one's.
    created = parameters.get("Guardrail", "create") == "create"
    version = DEFAULT_GUARDRAIL_VERSION if created else parameters.get("GuardrailVersion")
    return Deployment(
        f"stack {stack['StackName']}",
        dataclasses.replace(settings, **fields),
        (guardrail_id, version or DEFAULT_GUARDRAIL_VERSION) if guardrail_id else None,
    )
