"""Who a client is: named API keys, the caller API Gateway vouches for, the source address."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from genpic.errors import ConfigurationError
from genpic.http.app import create_app
from genpic.limits.identity import ApiKeys, client_from_event
from genpic.settings import Settings
from tests.support.events import canned


def test_a_key_names_its_client_and_a_near_miss_names_none() -> None:
    keys = ApiKeys((("alice", "k-1"), ("bob", "k-22")))
    assert keys.match("k-22") == "bob"
    assert keys.match("k-1") == "alice"
    for wrong in ("", "k-2", "k-222", "K-1", "alice"):
        assert keys.match(wrong) is None
    assert not ApiKeys(())


def test_settings_read_named_keys_and_the_single_key_as_default() -> None:
    env = {"GENPIC_API_KEYS": " alice = k-1 , bob=k=2 ", "GENPIC_API_KEY": "solo"}
    assert Settings.from_env(env).api_keys == (
        ("alice", "k-1"),
        ("bob", "k=2"),
        ("default", "solo"),
    )


@pytest.mark.parametrize(
    "env",
    [
        {"GENPIC_API_KEYS": "alice"},
        {"GENPIC_API_KEYS": "=k-1"},
        {"GENPIC_API_KEYS": "alice=k-1,alice=k-2"},
        {"GENPIC_API_KEYS": "alice=k-1,bob=k-1"},
        {"GENPIC_API_KEYS": "default=k-1", "GENPIC_API_KEY": "k-2"},
    ],
)
def test_unusable_keys_are_a_configuration_error_naming_the_variable(env: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match="GENPIC_API_KEYS"):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("30/minute", (30, 60)),
        (" 500 / Hours ", (500, 3600)),
        ("2/second", (2, 1)),
        ("9/day", (9, 86400)),
    ],
)
def test_rate_limits_are_images_per_period(raw: str, expected: tuple[int, int]) -> None:
    assert Settings.from_env({"GENPIC_RATE_LIMIT": raw}).rate_limit == expected


@pytest.mark.parametrize("raw", ["30", "0/minute", "30/fortnight", "-1/hour", "many/minute"])
def test_a_malformed_rate_limit_names_the_variable(raw: str) -> None:
    with pytest.raises(ConfigurationError, match="GENPIC_RATE_LIMIT"):
        Settings.from_env({"GENPIC_RATE_LIMIT": raw})
    with pytest.raises(ConfigurationError, match="GENPIC_DAILY_QUOTA"):
        Settings.from_env({"GENPIC_DAILY_QUOTA": "lots"})


def authorized(**authorizer: Any) -> dict[str, Any]:
    event = canned("apigw_http_v2.json")
    event["requestContext"]["authorizer"] = authorizer
    return event


def test_the_caller_api_gateway_vouches_for_comes_before_the_source_ip() -> None:
    assert client_from_event(authorized(jwt={"claims": {"sub": "u-1"}})) == "jwt:u-1"
    iam = authorized(iam={"userArn": "arn:aws:iam::123456789012:role/x", "accountId": "1"})
    assert client_from_event(iam) == "iam:arn:aws:iam::123456789012:role/x"
    rest = canned("apigw_rest_v1.json")
    assert client_from_event(rest) == "ip:203.0.113.10"
    rest["requestContext"]["authorizer"] = {"claims": {"sub": "cognito-9"}}
    assert client_from_event(rest) == "jwt:cognito-9"
    # HTTP API 2.0: the address API Gateway saw, never X-Forwarded-For (any caller writes it).
    event = canned("apigw_http_v2.json")
    event["headers"]["x-forwarded-for"] = "198.51.100.1"
    assert client_from_event(event) == "ip:203.0.113.10"
    for bare in ({"prompt": "a cat"}, {"requestContext": "x"}, None, []):
        assert client_from_event(bare) is None
    assert client_from_event(authorized(jwt={"claims": {"sub": " "}})) == "ip:203.0.113.10"


def test_locally_the_socket_peer_is_the_client_whatever_x_forwarded_for_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GENPIC_RATE_LIMIT", "1/minute")
    monkeypatch.setenv("GENPIC_ALLOWED_HOSTS", "testserver")  # TestClient's Host
    with TestClient(create_app()) as client:
        spoofed = {"X-Forwarded-For": "198.51.100.1"}
        assert (
            client.post("/generate", json={"prompt": "a cat"}, headers=spoofed).status_code == 200
        )
        again = client.post(
            "/generate", json={"prompt": "a dog"}, headers={"X-Forwarded-For": "1.2.3.4"}
        )
        assert again.status_code == 429
        assert "client 'ip:testclient'" in again.json()["message"]
        assert list(client.get("/stats").json()["clients"]) == ["ip:testclient"]
