"""Choosing and configuring the records store: defaults, bad values, the one table definition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from genpic.awssdk.errors import dynamodb_error
from genpic.backends import create_records
from genpic.errors import ConfigurationError, GenpicError
from genpic.records import dynamotable
from genpic.records.dynamodb import DynamoRecords
from genpic.records.sqlite import SqliteRecords
from genpic.settings import Settings
from tests.support.records_table import records_table_properties


def test_sqlite_is_the_default_off_lambda_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings.from_env({"GENPIC_DATA_DIR": str(tmp_path)})
    assert (settings.records, settings.table, settings.cache_ttl_days) == ("sqlite", None, 30.0)
    records = create_records(settings)
    assert isinstance(records, SqliteRecords)
    assert records.database.path == tmp_path.resolve() / "records.sqlite3"


def test_dynamodb_is_the_default_on_lambda_and_needs_genpic_table() -> None:
    settings = Settings.from_env({"AWS_LAMBDA_FUNCTION_NAME": "aws_gen_pic"})
    assert settings.records == "dynamodb"
    with pytest.raises(ConfigurationError, match="GENPIC_TABLE"):
        create_records(settings)
    table = Settings.from_env({"AWS_LAMBDA_FUNCTION_NAME": "f", "GENPIC_TABLE": "t"})
    assert isinstance(create_records(table), DynamoRecords)


def test_genpic_records_switches_and_a_bad_name_names_the_variable() -> None:
    assert Settings.from_env({"GENPIC_RECORDS": " SQLite "}).records == "sqlite"
    with pytest.raises(ConfigurationError) as caught:
        create_records(Settings.from_env({"GENPIC_RECORDS": "redis"}))
    assert "GENPIC_RECORDS='redis'" in caught.value.message
    assert "dynamodb, sqlite" in caught.value.message


@pytest.mark.parametrize("value", ["0", "-1", "a month"])
def test_a_bad_cache_ttl_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigurationError, match="GENPIC_CACHE_TTL_DAYS"):
        Settings.from_env({"GENPIC_CACHE_TTL_DAYS": value})


def test_the_cache_ttl_is_days(tmp_path: Path) -> None:
    settings = Settings.from_env({"GENPIC_CACHE_TTL_DAYS": "0.5", "GENPIC_DATA_DIR": str(tmp_path)})
    assert create_records(settings).cache_ttl_s == 43200


def test_an_unwritable_data_dir_names_the_variable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigurationError, match="GENPIC_DATA_DIR"):
        create_records(Settings(data_dir=blocker / "sub"))


def test_the_code_uses_the_key_names_template_yaml_defines() -> None:
    table = records_table_properties()
    assert {(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]} == {
        (dynamotable.PK, "HASH"),
        (dynamotable.SK, "RANGE"),
    }
    (index,) = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == dynamotable.RECENT_INDEX
    assert [k["AttributeName"] for k in index["KeySchema"]] == [
        dynamotable.RECENT_PK,
        dynamotable.RECENT_SK,
    ]
    assert index["Projection"] == {"ProjectionType": "ALL"}
    assert table["TimeToLiveSpecification"] == {
        "AttributeName": dynamotable.TTL_ATTRIBUTE,
        "Enabled": True,
    }
    assert table["BillingMode"] == "PAY_PER_REQUEST"


def test_point_in_time_recovery_is_a_parameter() -> None:
    from tests.deploy.cfn import Evaluator, load

    template = load()
    spec = template["Resources"]["RecordsTable"]["Properties"]["PointInTimeRecoverySpecification"]
    for value, enabled in (("true", True), ("false", False)):
        evaluator = Evaluator(template, {"RecordsPointInTimeRecovery": value})
        assert evaluator.resolve(spec) == {"PointInTimeRecoveryEnabled": enabled}


def client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "details"}}, "PutItem")


@pytest.mark.parametrize(
    ("code", "public", "retry_after"),
    [
        ("ProvisionedThroughputExceededException", "Throttled", True),
        ("ThrottlingException", "Throttled", True),
        ("RequestLimitExceeded", "Throttled", True),
        ("ResourceNotFoundException", "ConfigurationError", False),
        ("AccessDeniedException", "ConfigurationError", False),
        ("InternalServerError", "UpstreamTimeout", False),
        ("ValidationException", "StorageError", False),
    ],
)
def test_dynamodb_codes(code: str, public: str, retry_after: bool) -> None:
    error = dynamodb_error(client_error(code), "genpic-records", "GENPIC_TABLE")
    assert error.code == public
    assert (error.retry_after is not None) == retry_after
    if public == "ConfigurationError":
        assert "GENPIC_TABLE" in error.message


def test_a_missing_table_on_the_wire_is_a_configuration_error(
    aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_TABLE", "no-such-table")
    records = create_records(Settings.from_env())
    with pytest.raises(GenpicError) as caught:
        records.get_image("x")
    assert caught.value.code == "ConfigurationError"
    assert "no-such-table" in caught.value.message
    assert "GENPIC_TABLE" in caught.value.message
