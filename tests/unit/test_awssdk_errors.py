"""The one table from AWS error codes to the contract's errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from genpic.awssdk.errors import bedrock_error, error_code, s3_error
from genpic.errors import GenpicError


def client_error(code: str, message: str = "details") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "InvokeModel")


@pytest.mark.parametrize(
    ("code", "status", "public", "retry_after"),
    [
        ("AccessDeniedException", 502, "ModelUnavailable", False),
        ("ResourceNotFoundException", 502, "ModelUnavailable", False),
        ("ValidationException", 400, "ValidationError", False),
        ("ThrottlingException", 429, "Throttled", True),
        ("ServiceQuotaExceededException", 429, "Throttled", True),
        ("ModelTimeoutException", 504, "UpstreamTimeout", False),
        ("ModelNotReadyException", 502, "ModelUnavailable", True),
        ("ModelErrorException", 502, "ModelUnavailable", False),
        ("ServiceUnavailableException", 502, "ModelUnavailable", True),
        ("InternalServerException", 502, "ModelUnavailable", True),
        ("SomethingNew", 502, "ModelUnavailable", False),
    ],
)
def test_bedrock_codes(code: str, status: int, public: str, retry_after: bool) -> None:
    error = bedrock_error(client_error(code), "stability.sd3-5-large-v1:0", "us-west-2")
    assert (error.status, error.code) == (status, public)
    assert ("Retry-After" in error.headers()) is retry_after


def test_internal_identifiers_are_scrubbed() -> None:
    message = "User arn:aws:iam::123456789012:role/x is not authorized on arn:aws:bedrock:y"
    error = bedrock_error(client_error("ValidationException", message), "m", "us-west-2")
    assert "arn:aws" not in error.message
    assert "123456789012" not in error.message


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (ReadTimeoutError(endpoint_url="http://x"), 504),
        (ConnectTimeoutError(endpoint_url="http://x"), 504),
        (EndpointConnectionError(endpoint_url="http://x"), 502),
        (NoCredentialsError(), 502),
    ],
)
def test_transport_failures(exc: Exception, status: int) -> None:
    assert bedrock_error(exc, "m", "us-west-2").status == status
    assert s3_error(exc, "b", "k", reading_input=False).status == status


@pytest.mark.parametrize(
    ("code", "reading_input", "status", "public"),
    [
        ("NoSuchKey", True, 400, "InvalidImage"),
        ("NoSuchBucket", False, 502, "StorageError"),
        ("NoSuchBucket", True, 502, "StorageError"),
        ("AccessDenied", False, 502, "StorageError"),
        ("AccessDenied", True, 403, "Forbidden"),
        ("RequestTimeout", False, 504, "UpstreamTimeout"),
        ("InternalError", False, 502, "StorageError"),
    ],
)
def test_s3_codes(code: str, reading_input: bool, status: int, public: str) -> None:
    error: GenpicError = s3_error(client_error(code), "b", "k", reading_input=reading_input)
    assert (error.status, error.code) == (status, public)


def test_error_code_of_non_client_errors_is_none() -> None:
    assert error_code(ValueError("x")) is None
    assert error_code(client_error("ThrottlingException")) == "ThrottlingException"
