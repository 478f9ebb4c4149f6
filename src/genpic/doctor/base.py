"""What a doctor check reports, and the AWS clients the checks share."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

Status = Literal["ok", "warn", "fail", "skip"]
#: Deployer-side calls wait longer than a request's, and retry as the AWS CLI does.
_CONNECT_TIMEOUT_S = 5
_READ_TIMEOUT_S = 30


@dataclass(frozen=True)
class Check:
    """One row of the report: what was checked, how it went, and how to fix a failure.

    ``warn`` works today but needs attention (a legacy model); ``skip`` is not
    configured, or not checkable after an earlier failure. Only ``fail`` fails.
    """

    name: str
    status: Status
    detail: str
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the row as ``genpic doctor --json`` prints it."""
        return {"check": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}


def call_failed(name: str, exc: Exception, action: str, region: str) -> Check:
    """The row of a check whose AWS call failed for a reason the check does not expect."""
    from genpic.awssdk.errors import error_code

    code = error_code(exc)
    if code in ("AccessDenied", "AccessDeniedException", "AccessDeniedException403"):
        return Check(
            name,
            "fail",
            f"your credentials may not call {action}",
            f"Run genpic doctor as the deployer (an identity allowed {action} in {region}).",
        )
    return Check(
        name,
        "fail",
        f"{action} failed: {code or type(exc).__name__}",
        "Check your AWS credentials and region (aws sts get-caller-identity; --region or "
        "AWS_REGION).",
    )


def failed(checks: list[Check]) -> bool:
    """Whether any check failed (``genpic doctor`` then exits 1)."""
    return any(check.status == "fail" for check in checks)


class Clients:
    """boto3 clients in one region, each built on first use from the default credential chain.

    Endpoints follow the standard ``AWS_ENDPOINT_URL_<SERVICE>`` variables.
    """

    def __init__(self, region: str) -> None:
        self.region = region
        self._made: dict[str, Any] = {}

    def get(self, service: str) -> Any:
        """Return the client of ``service`` (``bedrock``, ``s3``, ``cloudformation``, …)."""
        if service not in self._made:
            from botocore.config import Config

            config = Config(
                region_name=self.region,
                connect_timeout=_CONNECT_TIMEOUT_S,
                read_timeout=_READ_TIMEOUT_S,
                retries={"mode": "standard", "total_max_attempts": 3},
                signature_version="s3v4" if service == "s3" else None,
            )
            self._made[service] = self._session.client(service, config=config)
        return self._made[service]

    @cached_property
    def _session(self) -> Any:
        import boto3

        return boto3.session.Session()
