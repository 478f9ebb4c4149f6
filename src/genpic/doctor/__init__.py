"""``genpic doctor``: check what a deployment needs before its first request fails for it.

The command line (``genpic.cli.doctor``) only calls ``diagnose`` and prints its rows.
Every call here runs with the caller's (the deployer's) credentials, never a
function role: Bedrock's control plane, CloudFormation's DescribeStacks, and the
read-only S3, DynamoDB and SQS calls (plus one object written and deleted).
"""

from __future__ import annotations

from genpic.doctor.base import Check, Status, failed
from genpic.doctor.run import diagnose

__all__ = ["Check", "Status", "diagnose", "failed"]
