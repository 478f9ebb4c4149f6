"""What template.yaml gives each function: its environment and what its role allows."""

from __future__ import annotations

import re

from tests.deploy.cfn import Evaluator, load

TEMPLATE = load()
FUNCTIONS = {
    name: resource
    for name, resource in TEMPLATE["Resources"].items()
    if resource["Type"] == "AWS::Serverless::Function"
}


def environment(evaluator: Evaluator, function: str) -> dict[str, str]:
    """The function's environment variables: Globals', then its own."""
    merged = {**TEMPLATE["Globals"]["Function"].get("Environment", {}).get("Variables", {})}
    merged.update(FUNCTIONS[function]["Properties"].get("Environment", {}).get("Variables", {}))
    resolved: dict[str, str] = evaluator.resolve(merged)
    return resolved


def granted(evaluator: Evaluator, function: str) -> set[tuple[str, str]]:
    """(action, resource pattern) pairs the function's role allows."""
    role = TEMPLATE["Resources"][FUNCTIONS[function]["Properties"]["Role"]["Fn::GetAtt"][0]]
    documents = [policy["PolicyDocument"] for policy in role["Properties"].get("Policies", [])]
    documents += [
        TEMPLATE["Resources"][ref["Ref"]]["Properties"]["PolicyDocument"]
        for ref in role["Properties"].get("ManagedPolicyArns", [])
    ]
    pairs = set()
    for document in evaluator.resolve(documents):
        for statement in document["Statement"]:
            assert statement["Effect"] == "Allow"
            assert "Condition" not in statement, "the pair table does not model conditions"
            actions = statement["Action"]
            resources = statement["Resource"]
            for action in [actions] if isinstance(actions, str) else actions:
                for resource in [resources] if isinstance(resources, str) else resources:
                    pairs.add((action, resource))
    return pairs


def allows(pattern: tuple[str, str], needed: tuple[str, str]) -> bool:
    """Tell whether the grant ``pattern`` covers ``needed``, with IAM's ``*`` and ``?``."""
    return all(
        re.fullmatch(".*".join(".".join(map(re.escape, p.split("?"))) for p in g.split("*")), n)
        is not None
        for g, n in zip(pattern, needed, strict=True)
    )
