"""Webhooks can neither probe the network nor stall the workers.

Each attack is sent as an attacker would (a job's ``webhook_url``, or a rebinding DNS
server), and the loopback receiver it aims at must receive nothing.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from genpic.http.app import create_app
from genpic.jobs import webhooks
from tests.support.asgi import LocalClient
from tests.support.documentation import documentation
from tests.support.jobs import wait_for
from tests.support.webhook_receivers import SECRET, Receiver, Silent, Trickle

# Each reaches 127.0.0.1 through the kernel or a translator; Python calls most "global".
WRAPPED_LOOPBACK = [
    "[::127.0.0.1]",  # IPv4-compatible
    "[::ffff:127.0.0.1]",  # IPv4-mapped
    "[::ffff:0:127.0.0.1]",  # IPv4-translated
    "[64:ff9b::7f00:1]",  # NAT64, well-known prefix
    "[64:ff9b:1::7f00:1]",  # NAT64, local-use prefix
    "[2002:7f00:1::]",  # 6to4
    "[2001:0:808:808::80ff:fffe]",  # Teredo, client 127.0.0.1 (stored inverted)
    "[2002:a00:1::]",  # 6to4 of 10.0.0.1
    "[64:ff9b::a9fe:a9fe]",  # NAT64 of 169.254.169.254, the metadata service
]
PUBLIC = "93.184.215.14"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as started:
        yield started


@pytest.mark.parametrize("host", WRAPPED_LOOPBACK)
def test_ipv6_wrapped_private_addresses_are_refused_at_submit(
    host: str, receiver: Receiver
) -> None:
    url = f"http://{host}:{receiver.port}/hook"
    with LocalClient(create_app()) as client:
        response = client.post("/jobs", json={"prompt": "x", "webhook_url": url})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "ValidationError" and body["field"] == "webhook_url"
    assert "non-public address" in body["message"]
    assert receiver.calls == []


@pytest.mark.parametrize("host", WRAPPED_LOOPBACK)
def test_ipv6_wrapped_private_addresses_are_refused_at_delivery(
    host: str, receiver: Receiver
) -> None:
    url = f"http://{host}:{receiver.port}/hook"
    outcome = webhooks.deliver(url, {"job_id": "x"}, secret=SECRET, allow_private=False)
    assert outcome["status"] == "refused" and outcome["attempts"] == 0
    assert "non-public address" in outcome["reason"]
    assert receiver.calls == []


def test_a_rebinding_resolver_cannot_reach_loopback(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first answer is public, every later one loopback: a second lookup would be let in."""
    lookups: list[str] = []

    def rebinding(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        lookups.append(host)
        address = PUBLIC if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    real_connect = socket.create_connection
    connected: list[Any] = []

    def connect(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        connected.append(address)
        if address[0] == PUBLIC:  # no network here: the public host is down
            raise ConnectionRefusedError(111, "Connection refused")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(socket, "create_connection", connect)

    outcome = webhooks.deliver(
        f"http://hooks.example.com:{receiver.port}/x",
        {"job_id": "x"},
        secret=SECRET,
        allow_private=False,
        backoff_s=0,
    )

    assert connected == [(PUBLIC, receiver.port)], "only ever the address that was checked"
    assert outcome["status"] == "refused" and outcome["attempts"] == 1
    assert "127.0.0.1" in outcome["reason"]
    assert receiver.calls == []


def test_the_connection_keeps_the_host_name_while_connecting_to_the_checked_ip(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_lookup = socket.getaddrinfo

    def resolve(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host == "hooks.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real_lookup(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    outcome = webhooks.deliver(
        f"http://hooks.example.com:{receiver.port}/x",
        {"job_id": "x"},
        secret=SECRET,
        allow_private=True,
    )
    assert outcome == {"status": "delivered", "attempts": 1}
    [(headers, _)] = receiver.calls
    assert headers["Host"] == f"hooks.example.com:{receiver.port}"


def test_never_answering_webhooks_do_not_delay_an_unrelated_job(
    webhook_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Four deliveries stuck for 10 s, as many as the pool has generation workers; the
    # server's stop leaves them after a second (they are daemons, and the job is done).
    monkeypatch.setattr(webhooks, "BUDGET_S", 10.0)
    monkeypatch.setattr("genpic.jobs.pool.STOP_TIMEOUT_S", 1.0)
    with Silent() as silent, LocalClient(create_app()) as client:
        stuck = [
            client.post("/jobs", json={"prompt": f"p{i}", "webhook_url": silent.url}).json()
            for i in range(4)
        ]
        assert all(wait_for(client, job["job_id"])["status"] == "succeeded" for job in stuck)
        deadline = time.monotonic() + 5
        while len(silent.accepted) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(silent.accepted) == 4, "every webhook is being delivered"

        started = time.monotonic()
        unrelated = client.post("/jobs", json={"prompt": "unrelated"}).json()
        done = wait_for(client, unrelated["job_id"])
        waited = time.monotonic() - started

        assert done["status"] == "succeeded"
        # About 0.7 s on an idle machine; behind the stuck deliveries it would be 10 s.
        assert waited < 5.0, f"the unrelated job waited {waited:.2f} s behind stuck webhooks"
        assert all("webhook" not in client.get(f"/jobs/{j['job_id']}").json() for j in stuck)


@pytest.mark.parametrize("server", [Silent, Trickle])
def test_a_delivery_never_takes_longer_than_its_budget(server: type[Silent]) -> None:
    with server() as receiver:
        started = time.monotonic()
        outcome = webhooks.deliver(
            receiver.url, {"job_id": "x"}, secret=SECRET, allow_private=True, budget_s=1.5
        )
        took = time.monotonic() - started
    assert 1.4 <= took < 3.0, f"the delivery took {took:.2f} s"  # uncut: 5 or 6 s
    assert outcome["status"] == "failed" and outcome["attempts"] == 1
    assert "1.5 s were used up" in outcome["reason"]


def test_a_failing_receiver_gets_exactly_max_attempts(
    webhook_env: None, receiver_factory: Any
) -> None:
    receiver = receiver_factory([503] * 10)
    outcome = webhooks.deliver(receiver.url, {"job_id": "x"}, secret=SECRET, allow_private=True)
    assert outcome == {"status": "failed", "attempts": webhooks.MAX_ATTEMPTS, "reason": "HTTP 503"}
    assert len(receiver.calls) == webhooks.MAX_ATTEMPTS == 4


def test_the_readme_states_the_attempts_and_the_budget_the_code_keeps() -> None:
    readme = documentation()
    assert f"makes at most {webhooks.MAX_ATTEMPTS} attempts in all" in " ".join(readme.split())
    assert f"at most {webhooks.BUDGET_S:g} s in total" in " ".join(readme.split())
    assert f"timeouts ({webhooks.TIMEOUT_S:g} s)" in readme
