"""The one place where boto3/botocore exceptions become genpic's public errors."""

from __future__ import annotations

import re
from typing import Any

from genpic.errors import (
    ConfigurationError,
    Forbidden,
    GenpicError,
    InvalidImage,
    ModelUnavailable,
    NotFound,
    StorageError,
    Throttled,
    UpstreamTimeout,
    ValidationError,
)

THROTTLE_RETRY_AFTER_S = 10
TRANSIENT_RETRY_AFTER_S = 5
_ARN = re.compile(r"arn:aws[\w-]*:[^\s\"',]*")
_ACCOUNT = re.compile(r"\b\d{12}\b")


def error_code(exc: BaseException) -> str | None:
    """Return the AWS error code of a botocore ``ClientError``, else None."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return str(code) if code else None


def bedrock_error(exc: Exception, model: str, region: str) -> GenpicError:
    """Translate a Bedrock Runtime failure for ``model`` into a public error."""
    code = error_code(exc)
    if code is None:
        return _transport_error(exc, ModelUnavailable, f"Bedrock ({model})")
    detail = _safe_message(exc)
    if code in ("ThrottlingException", "ServiceQuotaExceededException"):
        return Throttled(
            f"Bedrock is throttling {model} even after retries ({detail}). Retry after "
            f"{THROTTLE_RETRY_AFTER_S} s, send fewer concurrent requests, or request a "
            "higher quota in Service Quotas (Amazon Bedrock).",
            retry_after=THROTTLE_RETRY_AFTER_S,
        )
    if code == "AccessDeniedException":
        return ModelUnavailable(
            f"Access to {model} was denied in {region}. Grant model access in the Bedrock "
            "console (Model access) and allow bedrock:InvokeModel on this model in the "
            "function's IAM role."
        )
    if code == "ResourceNotFoundException":
        return ModelUnavailable(
            f"Model {model} was not found in {region}. Check the model id "
            "(GENPIC_IMAGE_MODEL / GENPIC_TEXT_MODEL) and that the model is offered there."
        )
    if code == "ValidationException":
        return ValidationError(f"Bedrock rejected the request to {model}: {detail}")
    if code == "ModelTimeoutException":
        return UpstreamTimeout(
            f"{model} took too long to answer. Retry; if it keeps happening use a faster "
            "model such as stability.stable-image-core-v1:1."
        )
    if code == "ModelNotReadyException":
        return ModelUnavailable(
            f"{model} is still being loaded by Bedrock. Retry in a few seconds.",
            retry_after=TRANSIENT_RETRY_AFTER_S,
        )
    if code in ("ModelErrorException", "ModelStreamErrorException"):
        return ModelUnavailable(f"{model} failed while processing the request ({detail}). Retry.")
    if code in ("ServiceUnavailableException", "InternalServerException"):
        return ModelUnavailable(
            f"Bedrock is having trouble serving {model} ({code}). Retry shortly.",
            retry_after=TRANSIENT_RETRY_AFTER_S,
        )
    return ModelUnavailable(f"Bedrock answered {code} for {model}: {detail}")


def control_plane_error(exc: Exception, operation: str, region: str) -> GenpicError:
    """Translate a failed Bedrock control-plane call (``bedrock``, the deployer's) into ours."""
    code = error_code(exc)
    if code is None:
        return _transport_error(exc, ModelUnavailable, f"Bedrock ({operation})")
    if code == "AccessDeniedException":
        return Forbidden(
            f"Bedrock refused {operation} in {region}: allow bedrock:{operation} to the "
            "credentials you run genpic with."
        )
    return ModelUnavailable(
        f"Bedrock answered {code} to {operation} in {region}: {_safe_message(exc)}"
    )


def guardrail_error(exc: Exception, guardrail: str, version: str) -> GenpicError:
    """Translate an ApplyGuardrail failure on ``guardrail`` (``version``) into a public error.

    A guardrail that is missing or not allowed is the deployment's fault, never the
    caller's: the request is refused rather than screened by nothing.
    """
    code = error_code(exc)
    if code == "ResourceNotFoundException":
        return ConfigurationError(
            f"Guardrail {guardrail} version {version} was not found in this region. Fix "
            "GENPIC_GUARDRAIL_ID / GENPIC_GUARDRAIL_VERSION, or unset GENPIC_GUARDRAIL_ID."
        )
    if code == "AccessDeniedException":
        return ConfigurationError(
            f"Applying guardrail {guardrail} was denied ({_safe_message(exc)}). Allow "
            "bedrock:ApplyGuardrail on it in the function's IAM role, or fix GENPIC_GUARDRAIL_ID."
        )
    return bedrock_error(exc, f"guardrail {guardrail}", "this region")


def s3_error(exc: Exception, bucket: str, key: str, *, reading_input: bool) -> GenpicError:
    """Translate an S3 failure on ``bucket``/``key`` into a public error."""
    code = error_code(exc)
    where = f"s3://{bucket}/{key}"
    if code is None:
        return _transport_error(exc, StorageError, "S3")
    if code in ("NoSuchKey", "404", "NotFound") and reading_input:
        return InvalidImage(
            f"The init image {where} does not exist. Upload it first "
            f"(aws s3 cp input.jpg {where}).",
            field="init_image_s3",
        )
    if code in ("NoSuchKey", "404", "NotFound"):
        return NotFound(f"No image at {where}.")
    if code == "NoSuchBucket":
        variable = "INPUT_BUCKET" if reading_input else "OUTPUT_BUCKET"
        return StorageError(f"Bucket {bucket} does not exist. Create it or fix {variable}.")
    if code in ("AccessDenied", "403", "AllAccessDisabled"):
        if reading_input:
            return Forbidden(
                f"This deployment may not read {where}. Check the function's s3:GetObject "
                "permission on INPUT_BUCKET.",
                field="init_image_s3",
            )
        return StorageError(
            f"Writing {where} was denied. Allow s3:PutObject on the outputs/ prefix of "
            f"{bucket} in the function's IAM role."
        )
    if code in ("RequestTimeout", "SlowDown", "ServiceUnavailable"):
        return UpstreamTimeout(f"S3 did not complete the request on {where} in time. Retry.")
    return StorageError(f"S3 answered {code} on {where}: {_safe_message(exc)}")


def dynamodb_error(exc: Exception, table: str, variable: str) -> GenpicError:
    """Translate a DynamoDB failure on ``table`` (named by ``variable``) into a public error.

    A failed condition is not an error: the records store reads it as "someone
    else won" before anything reaches this table.
    """
    code = error_code(exc)
    if code is None:
        return _transport_error(exc, StorageError, "DynamoDB")
    if code in (
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
    ):
        return Throttled(
            f"DynamoDB is throttling table {table} even after retries. Retry after "
            f"{TRANSIENT_RETRY_AFTER_S} s; an on-demand table adapts within minutes.",
            retry_after=TRANSIENT_RETRY_AFTER_S,
        )
    if code == "ResourceNotFoundException":
        return ConfigurationError(
            f"DynamoDB table {table} does not exist in this region. Create it (template.yaml, "
            f"RecordsTable) or fix {variable}."
        )
    if code in ("AccessDeniedException", "UnrecognizedClientException"):
        return ConfigurationError(
            f"Access to DynamoDB table {table} was denied ({_safe_message(exc)}). Allow the "
            f"dynamodb actions genpic uses on it (and its indexes) in the function's IAM role, "
            f"or fix {variable}."
        )
    if code in ("InternalServerError", "ServiceUnavailable", "RequestTimeout"):
        return UpstreamTimeout(f"DynamoDB did not complete the request on {table}. Retry.")
    return StorageError(f"DynamoDB answered {code} on table {table}: {_safe_message(exc)}")


def sqs_error(exc: Exception, queue_url: str, variable: str) -> GenpicError:
    """Translate an SQS failure on ``queue_url`` (named by ``variable``) into a public error."""
    code = error_code(exc)
    if code is None:
        return _transport_error(exc, StorageError, "SQS")
    if code in ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"):
        return ConfigurationError(
            f"The jobs queue {queue_url} does not exist. Create it (template.yaml, JobsQueue) "
            f"or fix {variable}."
        )
    if code in ("AccessDenied", "AccessDeniedException", "KMS.AccessDeniedException"):
        return ConfigurationError(
            f"Access to the jobs queue was denied ({_safe_message(exc)}). Allow sqs:SendMessage "
            f"on it in the function's IAM role, or fix {variable}."
        )
    if code in ("ThrottlingException", "RequestThrottled"):
        return Throttled(
            f"SQS is throttling the jobs queue. Retry after {TRANSIENT_RETRY_AFTER_S} s.",
            retry_after=TRANSIENT_RETRY_AFTER_S,
        )
    return StorageError(f"SQS answered {code} on the jobs queue: {_safe_message(exc)}")


def secret_error(exc: Exception, variable: str) -> GenpicError:
    """Translate a Secrets Manager failure reading the secret ``variable`` names.

    The message names the variable, never the secret's ARN.
    """
    code = error_code(exc)
    if code is None:
        return _transport_error(exc, StorageError, "Secrets Manager")
    if code == "ResourceNotFoundException":
        return ConfigurationError(
            f"The secret named by {variable} does not exist in this region. Fix {variable}."
        )
    if code in ("AccessDeniedException", "KMS.AccessDeniedException"):
        return ConfigurationError(
            f"Reading the secret named by {variable} was denied. Allow "
            "secretsmanager:GetSecretValue on it in the function's IAM role."
        )
    return StorageError(
        f"Secrets Manager answered {code} reading the secret named by {variable}: "
        f"{_safe_message(exc)}"
    )


def _transport_error(exc: Exception, fallback: type[GenpicError], service: str) -> GenpicError:
    from botocore.exceptions import (
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        ReadTimeoutError,
    )

    if isinstance(exc, ReadTimeoutError | ConnectTimeoutError):
        return UpstreamTimeout(f"{service} did not answer in time. Retry in a moment.")
    if isinstance(exc, NoCredentialsError):
        return fallback(
            f"No AWS credentials were found for {service}. Configure credentials "
            "(aws configure, or an IAM role), or use the offline defaults "
            "(GENPIC_ENGINE=preview, GENPIC_STORAGE=local)."
        )
    if isinstance(exc, EndpointConnectionError):
        return fallback(f"Could not connect to {service}. Check the region and the network.")
    return fallback(f"{service} request failed ({type(exc).__name__}). Retry shortly.")


def _safe_message(exc: Any) -> str:
    message = str(exc.response.get("Error", {}).get("Message") or "no details")
    return _ACCOUNT.sub("<account>", _ARN.sub("<arn>", message))
