"""Create the records table on a moto server from template.yaml's RecordsTable, its one definition."""

from __future__ import annotations

from typing import Any

from tests.deploy.cfn import Evaluator, load

# The AWS::DynamoDB::Table properties CreateTable takes in the same shape (the encryption
# key is CloudFormation-only spelling and changes nothing genpic sees).
_CREATE_TABLE_PROPERTIES = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "BillingMode",
)


def records_table_properties() -> dict[str, Any]:
    """Return RecordsTable's properties from template.yaml, intrinsic functions resolved."""
    template = load()
    resolved: dict[str, Any] = Evaluator(template).resolve(
        template["Resources"]["RecordsTable"]["Properties"]
    )
    return resolved


def create_records_table(client: Any, name: str) -> None:
    """Create table ``name`` as the template defines RecordsTable, TTL included."""
    properties = records_table_properties()
    client.create_table(
        TableName=name, **{key: properties[key] for key in _CREATE_TABLE_PROPERTIES}
    )
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification=properties["TimeToLiveSpecification"]
    )
