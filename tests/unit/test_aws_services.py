"""Every AWS service genpic's code makes a client for is one the Lambda bundle keeps data for.

scripts/slim_bundle.py keeps botocore's data for ``genpic.awssdk.clients.SERVICES`` alone,
so a client for any other service would fail on Lambda only. This scans the package's
source for client calls naming a service, so that a new one not listed fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from genpic.awssdk.clients import DEPLOYER_SERVICES, SERVICES

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "genpic"
# boto3.client / Session.client, botocore's create_client, and genpic's own _client.
_CLIENT_CALLS = {"client", "create_client", "resource", "_client", "_cached_client"}


def _named_services(tree: ast.AST) -> set[str]:
    named = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        if name not in _CLIENT_CALLS:
            continue
        arguments = [*node.args, *(k.value for k in node.keywords if k.arg == "service_name")]
        if arguments and isinstance(arguments[0], ast.Constant):
            named.add(str(arguments[0].value))
    return named


def services_in_code() -> dict[str, set[str]]:
    """Return the services each source file names in a client call."""
    found = {}
    for source in PACKAGE.rglob("*.py"):
        named = _named_services(ast.parse(source.read_text()))
        if named:
            found[str(source.relative_to(PACKAGE))] = named
    return found


def test_every_service_the_code_names_is_kept_in_the_bundle() -> None:
    kept = {*SERVICES, *DEPLOYER_SERVICES}
    unknown = {file: named - kept for file, named in services_in_code().items()}
    assert {file: named for file, named in unknown.items() if named} == {}, (
        "add these to genpic.awssdk.clients.Service: the bundle keeps botocore data for no other"
    )


def test_the_scan_finds_the_services_genpic_calls() -> None:
    # The control: the scan sees the client accessors, so it would see a new one.
    assert set().union(*services_in_code().values()) >= {"s3", "bedrock-runtime", "dynamodb"}


def test_a_client_for_an_unlisted_service_is_caught() -> None:
    tree = ast.parse('import boto3\nboto3.client("cloudwatch")\nsession.create_client("ec2")')
    assert _named_services(tree) - set(SERVICES) == {"cloudwatch", "ec2"}
