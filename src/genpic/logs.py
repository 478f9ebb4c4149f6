"""The one structured logger (Powertools for AWS Lambda), shared by every module."""

from __future__ import annotations

from aws_lambda_powertools import Logger

SERVICE = "genpic"

logger = Logger(service=SERVICE)
