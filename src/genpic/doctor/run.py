"""Run every check of one deployment, in the order a deployer fixes them."""

from __future__ import annotations

from genpic.awssdk.errors import error_code
from genpic.doctor.base import Check, Clients, call_failed
from genpic.doctor.bedrock import guardrail_check, model_checks
from genpic.doctor.deployment import Deployment, from_environment, from_stack
from genpic.doctor.resources import bucket_check, link_check, queue_check, table_check
from genpic.settings import Settings

_SETTLED = ("CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE")


def diagnose(stack: str | None = None, region: str | None = None) -> tuple[Deployment, list[Check]]:
    """Check the deployment ``stack`` describes (default: the environment's) in ``region``.

    Parameters
    ----------
    stack
        A CloudFormation stack of template.yaml: its outputs name the buckets, table and
        queue, its parameters the models and the guardrail (DescribeStacks).
    region
        The region to check (default: ``AWS_REGION``, else us-west-2).

    Returns
    -------
    tuple[Deployment, list[Check]]
        What was checked, and one row per check in order: the stack, each model
        (offered in the region, lifecycle), access to each, the buckets, a presigned
        link round trip, the records table, the jobs queue, the guardrail.
    """
    if stack is None:
        deployment = from_environment(region)
        rows: list[Check] = []
    else:
        where = region or Settings.from_env().region
        found = _stack(stack, Clients(where))
        if isinstance(found, Check):
            return from_environment(where), [found]
        deployment, rows = found
    clients = Clients(deployment.region)
    rows += model_checks(deployment, clients)
    settings = deployment.settings
    buckets = [
        bucket_check("output", settings.output_bucket, deployment, clients),
        bucket_check("input", settings.input_bucket, deployment, clients),
    ]
    rows += buckets
    if buckets[0].status == "ok":
        rows.append(link_check(deployment, clients))
    else:
        rows.append(Check("presigned link", "skip", "the output bucket check failed"))
    rows += [
        table_check(deployment, clients),
        queue_check(deployment, clients),
        guardrail_check(deployment, clients),
    ]
    return deployment, rows


def _stack(name: str, clients: Clients) -> tuple[Deployment, list[Check]] | Check:
    row = f"stack {name}"
    try:
        [described] = clients.get("cloudformation").describe_stacks(StackName=name)["Stacks"]
    except Exception as exc:
        if error_code(exc) == "ValidationError":  # CloudFormation's answer for an unknown stack
            return Check(
                row,
                "fail",
                f"no stack {name} in {clients.region}",
                "Name the stack you deployed (aws cloudformation list-stacks), and its region "
                "with --region.",
            )
        return call_failed(row, exc, "cloudformation:DescribeStacks", clients.region)
    status = described["StackStatus"]
    deployment = from_stack(described, clients.region)
    if status in _SETTLED:
        return deployment, [Check(row, "ok", status)]
    if status.endswith("_IN_PROGRESS"):
        check = Check(
            row, "warn", status, "Wait for the stack operation to finish, then run again."
        )
    else:
        check = Check(
            row, "fail", status, "See the stack's events (CloudFormation console) and redeploy."
        )
    return deployment, [check]
