"""The AWS calls genpic's code makes, recorded as they happen, and the IAM grants each needs.

``record`` wraps every client genpic's own factory (``genpic.awssdk.clients``) hands out,
so the test's own boto3 calls are never counted. ``grants_needed`` turns one recorded call
into the (action, resource ARN) pairs IAM checks for it, as the Service Authorization
Reference states them (https://docs.aws.amazon.com/service-authorization/latest/reference/):

- S3 HeadObject and GetObject are authorised as ``s3:GetObject``; genpic tells a missing
  object (404 / NoSuchKey) from a denied one, which S3 only reveals to a caller that may
  also ``s3:ListBucket`` the bucket (otherwise it answers 403).
- A presigned GET or POST is authorised, when the browser uses it, as the signer's
  ``s3:GetObject`` / ``s3:PutObject``.
- Converse is authorised as ``bedrock:InvokeModel``. A US cross-region inference profile
  needs the profile in the calling region and the model in each region it routes to.
- DynamoDB's BatchWriteItem and BatchGetItem are checked on every table they name; a
  Query on an index is checked on the index's ARN.

A call with no row here raises ``KeyError``: add its row (and the grant) with the call.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from genpic.awssdk import clients

# The regions a US cross-region inference profile routes to.
US_PROFILE_REGIONS = ("us-east-1", "us-east-2", "us-west-2")
PRESIGNERS = frozenset({"generate_presigned_url", "generate_presigned_post"})
# `genpic doctor` checks a deployment with the deployer's credentials: no function makes its calls.
DEPLOYER_ONLY = "doctor/"


@dataclass(frozen=True)
class Call:
    """One method genpic called on an AWS client."""

    service: str
    method: str
    params: Mapping[str, Any]
    region: str


@dataclass
class Recording:
    """Every call made while ``record`` was active, in order."""

    calls: list[Call] = field(default_factory=list)

    def methods(self) -> set[str]:
        return {call.method for call in self.calls}


class _RecordingClient:
    def __init__(self, client: Any, service: str, region: str, log: Recording) -> None:
        self._client, self._service, self._region, self._log = client, service, region, log

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute) or name.startswith("_") or name in ("meta", "exceptions"):
            return attribute

        def recorded(*args: Any, **kwargs: Any) -> Any:
            params = dict(kwargs)
            if name == "generate_presigned_url":
                params = {"ClientMethod": args[0] if args else kwargs["ClientMethod"], **params}
            self._log.calls.append(Call(self._service, name, params, self._region))
            return attribute(*args, **kwargs)

        return recorded


@contextmanager
def record(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recording]:
    """Record every call made on a client genpic's factory builds, while active."""
    log = Recording()
    built = clients._cached_client

    def recording_client(service: Any, stage: Any, region: str, *args: Any) -> Any:
        return _RecordingClient(built(service, stage, region, *args), service, region, log)

    with monkeypatch.context() as patch:
        patch.setattr(clients, "_cached_client", recording_client)
        yield log


def _object(params: Mapping[str, Any]) -> str:
    return f"arn:aws:s3:::{params['Bucket']}/{params['Key']}"


def _bucket(params: Mapping[str, Any]) -> str:
    return f"arn:aws:s3:::{params['Bucket']}"


def _read_object(call: Call, account: str) -> set[tuple[str, str]]:
    return {("s3:GetObject", _object(call.params)), ("s3:ListBucket", _bucket(call.params))}


def _presigned(call: Call, account: str) -> set[tuple[str, str]]:
    if call.method == "generate_presigned_post":
        return {("s3:PutObject", _object(call.params))}
    action = {"get_object": "s3:GetObject", "put_object": "s3:PutObject"}
    return {(action[call.params["ClientMethod"]], _object(call.params["Params"]))}


def _table(name: str, call: Call, account: str) -> str:
    return f"arn:aws:dynamodb:{call.region}:{account}:table/{name}"


def _dynamodb(action: str) -> Callable[[Call, str], set[tuple[str, str]]]:
    def needs(call: Call, account: str) -> set[tuple[str, str]]:
        if "RequestItems" in call.params:
            return {(action, _table(name, call, account)) for name in call.params["RequestItems"]}
        arn = _table(call.params["TableName"], call, account)
        if "IndexName" in call.params:
            arn = f"{arn}/index/{call.params['IndexName']}"
        return {(action, arn)}

    return needs


def _sqs(action: str) -> Callable[[Call, str], set[tuple[str, str]]]:
    def needs(call: Call, account: str) -> set[tuple[str, str]]:
        owner, name = urlsplit(call.params["QueueUrl"]).path.strip("/").split("/")
        return {(action, f"arn:aws:sqs:{call.region}:{owner}:{name}")}

    return needs


def model_arns(model: str, region: str, account: str) -> set[str]:
    """The ARNs IAM checks when ``model`` (a model id or a US profile id) is invoked."""
    if model.startswith("us."):
        base = model.removeprefix("us.")
        return {f"arn:aws:bedrock:{region}:{account}:inference-profile/{model}"} | {
            f"arn:aws:bedrock:{destination}::foundation-model/{base}"
            for destination in US_PROFILE_REGIONS
        }
    return {f"arn:aws:bedrock:{region}::foundation-model/{model}"}


def _invoke(call: Call, account: str) -> set[tuple[str, str]]:
    return {
        ("bedrock:InvokeModel", arn)
        for arn in model_arns(call.params["modelId"], call.region, account)
    }


def _guardrail(call: Call, account: str) -> set[tuple[str, str]]:
    guardrail = call.params["guardrailIdentifier"]
    if not guardrail.startswith("arn:"):
        guardrail = f"arn:aws:bedrock:{call.region}:{account}:guardrail/{guardrail}"
    return {("bedrock:ApplyGuardrail", guardrail)}


def _secret(call: Call, account: str) -> set[tuple[str, str]]:
    return {("secretsmanager:GetSecretValue", call.params["SecretId"])}


# (service, method) -> the grants that call needs.
NEEDS: dict[tuple[str, str], Callable[[Call, str], set[tuple[str, str]]]] = {
    ("s3", "put_object"): lambda call, account: {("s3:PutObject", _object(call.params))},
    ("s3", "get_object"): _read_object,
    ("s3", "head_object"): _read_object,
    ("s3", "generate_presigned_url"): _presigned,
    ("s3", "generate_presigned_post"): _presigned,
    ("dynamodb", "get_item"): _dynamodb("dynamodb:GetItem"),
    ("dynamodb", "put_item"): _dynamodb("dynamodb:PutItem"),
    ("dynamodb", "update_item"): _dynamodb("dynamodb:UpdateItem"),
    ("dynamodb", "delete_item"): _dynamodb("dynamodb:DeleteItem"),
    ("dynamodb", "query"): _dynamodb("dynamodb:Query"),
    ("dynamodb", "scan"): _dynamodb("dynamodb:Scan"),
    ("dynamodb", "batch_write_item"): _dynamodb("dynamodb:BatchWriteItem"),
    ("dynamodb", "batch_get_item"): _dynamodb("dynamodb:BatchGetItem"),
    ("sqs", "send_message"): _sqs("sqs:SendMessage"),
    ("sqs", "send_message_batch"): _sqs("sqs:SendMessage"),
    ("sqs", "change_message_visibility"): _sqs("sqs:ChangeMessageVisibility"),
    ("bedrock-runtime", "invoke_model"): _invoke,
    ("bedrock-runtime", "converse"): _invoke,
    ("bedrock-runtime", "apply_guardrail"): _guardrail,
    ("secretsmanager", "get_secret_value"): _secret,
}


def grants_needed(calls: list[Call], account: str) -> set[tuple[str, str]]:
    """The (action, resource) pairs IAM must allow for ``calls``."""
    needed: set[tuple[str, str]] = set()
    for call in calls:
        needed |= NEEDS[(call.service, call.method)](call, account)
    return needed


@cache
def _operations() -> frozenset[str]:
    import botocore.session
    from botocore import xform_name

    session = botocore.session.get_session()
    services = {service for service, _ in NEEDS} | set(clients.Service.__args__)
    names = {
        xform_name(operation)
        for service in services
        for operation in session.get_service_model(service).operation_names
    }
    return frozenset(names | PRESIGNERS)


def sdk_methods_in_code(root: Path) -> dict[str, set[str]]:
    """Every call in ``root``'s Python files of a method named as an AWS operation genpic's
    services have (whatever the client variable is called): method -> the files calling it."""
    found: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _operations()
            ):
                found.setdefault(node.func.attr, set()).add(str(path.relative_to(root)))
    return found


def function_calls_in_code(root: Path) -> set[str]:
    """The methods of ``sdk_methods_in_code`` that code outside ``DEPLOYER_ONLY`` calls."""
    return {
        name
        for name, files in sdk_methods_in_code(root).items()
        if not all(file.startswith(DEPLOYER_ONLY) for file in files)
    }
