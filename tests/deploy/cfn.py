"""Read template.yaml and evaluate its intrinsic functions for a set of parameter values.

Just enough CloudFormation to check what the template grants and sets: Ref, Fn::Sub,
Fn::GetAtt, Fn::If and the condition functions (Condition too), Fn::Join, Fn::Split,
Fn::Select.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
REGION = "us-west-2"
ACCOUNT = "123456789012"
_NO_VALUE = object()


class _Loader(yaml.SafeLoader):
    pass


def _tag(name: str) -> None:
    key = "Ref" if name == "Ref" else f"Fn::{name}"

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {key: value}

    _Loader.add_constructor(f"!{name}", construct)


for _name in (
    "Ref",
    "Sub",
    "GetAtt",
    "If",
    "Join",
    "Split",
    "Select",
    "Equals",
    "Not",
    "And",
    "Or",
):
    _tag(_name)


def load() -> dict[str, Any]:
    """Return template.yaml as a dict, intrinsic functions in their long form."""
    return yaml.load(TEMPLATE.read_text(), Loader=_Loader)


class Evaluator:
    """Resolve values in the template for the given parameter overrides."""

    def __init__(
        self,
        template: dict[str, Any],
        overrides: dict[str, str] | None = None,
        stack: str = "genpic",
    ) -> None:
        self.template = template
        self.stack = stack
        self.params = {
            name: spec.get("Default", "") for name, spec in template["Parameters"].items()
        }
        self.params.update(overrides or {})

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self.resolve(item) for item in value]
            return [item for item in items if item is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" or key.startswith("Fn::"):
                return self._function(key, arg)
            if key == "Condition":
                return self.condition(arg)
        items = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in items.items() if item is not _NO_VALUE}

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.template["Conditions"][name]))

    def _function(self, key: str, arg: Any) -> Any:
        if key == "Ref":
            return self._ref(arg)
        if key == "Fn::GetAtt":
            return self._get_att(*arg)
        if key == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else arg
            variables = {name: self.resolve(item) for name, item in variables.items()}
            return re.sub(r"\$\{([^}]+)\}", lambda m: self._variable(m.group(1), variables), text)
        if key == "Fn::If":
            name, then, otherwise = arg
            return self.resolve(then if self.condition(name) else otherwise)
        args = self.resolve(arg)
        if key == "Fn::Equals":
            return str(args[0]) == str(args[1])
        if key == "Fn::Not":
            return not args[0]
        if key == "Fn::And":
            return all(args)
        if key == "Fn::Or":
            return any(args)
        if key == "Fn::Join":
            return args[0].join(str(item) for item in args[1])
        if key == "Fn::Split":
            return args[1].split(args[0])
        if key == "Fn::Select":
            return args[1][int(args[0])]
        raise NotImplementedError(key)

    def _variable(self, name: str, variables: dict[str, Any]) -> str:
        if name in variables:
            return str(variables[name])
        if "." in name:
            return str(self._get_att(*name.split(".", 1)))
        return str(self._ref(name))

    def _ref(self, name: str) -> Any:
        pseudo = {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.stack,
            "AWS::NoValue": _NO_VALUE,
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.params:
            value = self.params[name]
            kind = self.template["Parameters"][name]["Type"]
            return value.split(",") if kind == "CommaDelimitedList" else value
        resource = self.template["Resources"][name]
        if resource["Type"] == "AWS::Logs::LogGroup":
            return self.resolve(resource["Properties"].get("LogGroupName", name))
        if resource["Type"] == "AWS::SecretsManager::Secret":  # Ref is the ARN
            return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name.lower()}-AbCdEf"
        return name.lower()  # a stand-in physical name (bucket name, function name, ...)

    def _get_att(self, name: str, attribute: str) -> str:
        kind = self.template["Resources"][name]["Type"]
        if (kind, attribute) == ("AWS::S3::Bucket", "Arn"):
            return f"arn:aws:s3:::{self._ref(name)}"
        if (kind, attribute) == ("AWS::Logs::LogGroup", "Arn"):
            return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{self._ref(name)}:*"
        if (kind, attribute) == ("AWS::SQS::Queue", "Arn"):
            return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{self._ref(name)}"
        if (kind, attribute) == ("AWS::SQS::Queue", "QueueName"):
            return str(self._ref(name))
        if (kind, attribute) == ("AWS::Bedrock::Guardrail", "GuardrailId"):
            return str(self._ref(name))
        if (kind, attribute) == ("AWS::Bedrock::Guardrail", "GuardrailArn"):
            return f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/{self._ref(name)}"
        if (kind, attribute) == ("AWS::DynamoDB::Table", "Arn"):
            return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{self._ref(name)}"
        return f"{name}.{attribute}"
