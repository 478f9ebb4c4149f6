"""Jobs on the embedded defaults: the in-process pool, restarts, webhooks and their refusals."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from genpic.engines.base import ImageJob, RenderedImage
from genpic.engines.preview import PreviewEngine
from genpic.http.app import create_app
from genpic.jobs import webhooks
from genpic.pipeline import Pipeline
from genpic.settings import Settings
from tests.support.asgi import LocalClient
from tests.support.documentation import documentation
from tests.support.jobs import wait_for
from tests.support.webhook_receivers import SECRET


def test_a_local_job_runs_in_the_pool_and_links_its_image() -> None:
    with LocalClient(create_app()) as client:
        submitted = client.post("/jobs", json={"prompt": "a lamp", "output_format": "png"})
        assert submitted.status_code == 202
        job = wait_for(client, submitted.json()["job_id"])

        assert job["status"] == "succeeded"
        assert job["result"]["content_type"] == "image/png"
        image = client.get(job["result"]["url"])
        assert image.status_code == 200
        assert image.content == client.get(f"/images/{job['result']['key']}").content
        assert image.headers["content-type"] == "image/png"


class GatedEngine(PreviewEngine):
    """The preview engine, holding every render until ``gate`` opens; counts renders."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__()
        self.gate = gate
        self.renders = 0

    def render(self, job: ImageJob) -> RenderedImage:
        self.renders += 1
        self.gate.wait(10)
        return super().render(job)


def test_a_restart_runs_what_a_stopped_server_left_queued_or_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings.from_env()
    # One job in flight at a time; a claim lapses 1 s after it was taken (58 s by default);
    # the stop gives up on the stuck job at once, as a killed server would.
    monkeypatch.setattr("genpic.jobs.service.POOL_WORKERS", 1)
    monkeypatch.setattr("genpic.jobs.service.LEASE_MARGIN_S", 1 - settings.request_timeout_s)
    monkeypatch.setattr("genpic.jobs.pool.STOP_TIMEOUT_S", 0.1)
    gate = threading.Event()
    stuck = GatedEngine(gate)
    first = create_app(pipeline=Pipeline(settings, engine=stuck))
    with LocalClient(first) as client:
        ids = [client.post("/jobs", json={"prompt": f"job {i}"}).json()["job_id"] for i in range(3)]
        deadline = time.monotonic() + 5
        while stuck.renders == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        statuses = [client.get(f"/jobs/{i}").json()["status"] for i in ids]
    # The server stopped (its pool gave up waiting) with one job mid-generation.
    assert statuses.count("running") == 1 and statuses.count("queued") == 2

    fresh = PreviewEngine()
    second = create_app(pipeline=Pipeline(settings, engine=fresh))
    with LocalClient(second) as client:
        jobs = [wait_for(client, job_id) for job_id in ids]
    gate.set()

    assert [job["status"] for job in jobs] == ["succeeded"] * 3
    assert len({job["result"]["key"] for job in jobs}) == 3
    interrupted = [job for job in jobs if job["attempts"] == 2]
    assert len(interrupted) == sum(s == "running" for s in statuses)


def test_a_webhook_is_signed_and_retried_until_delivered(
    webhook_env: None, receiver_factory: Any
) -> None:
    receiver = receiver_factory([503, 500])
    with LocalClient(create_app()) as client:
        job_id = client.post(
            "/jobs", json={"prompt": "a kite", "webhook_url": receiver.url}
        ).json()["job_id"]
        wait_for(client, job_id)
        deadline = time.monotonic() + 5
        while "webhook" not in client.get(f"/jobs/{job_id}").json() and time.monotonic() < deadline:
            time.sleep(0.05)
        job = client.get(f"/jobs/{job_id}").json()

    assert job["webhook"] == {"status": "delivered", "attempts": 3}
    assert len(receiver.calls) == 3
    headers, body = receiver.calls[-1]
    verify = readme_verify()
    assert verify(SECRET, headers, body)
    assert not verify(SECRET, headers, body + b" ")
    assert not verify("another secret", headers, body)
    assert not verify(SECRET, {**headers, "X-Genpic-Timestamp": str(int(time.time()) - 3600)}, body)
    delivered = json.loads(body)
    assert delivered["job_id"] == job_id and delivered["status"] == "succeeded"
    assert delivered["result"]["key"] == job["result"]["key"]


@pytest.mark.parametrize("public_url", [None, "https://img.example.com"])
def test_a_webhook_links_a_local_image_and_never_names_its_file(
    webhook_env: None,
    receiver_factory: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    public_url: str | None,
) -> None:
    monkeypatch.setenv("GENPIC_DATA_DIR", str(tmp_path / "data"))
    if public_url:
        monkeypatch.setenv("GENPIC_PUBLIC_URL", public_url)
        monkeypatch.setenv("GENPIC_ALLOWED_HOSTS", "localhost")
    receiver = receiver_factory()
    with LocalClient(create_app()) as client:
        job_id = client.post(
            "/jobs", json={"prompt": "a kite", "n": 2, "webhook_url": receiver.url}
        ).json()["job_id"]
        wait_for(client, job_id)
        deadline = time.monotonic() + 5
        while not receiver.calls and time.monotonic() < deadline:
            time.sleep(0.05)

    [(_, raw)] = receiver.calls
    assert str(tmp_path) not in raw.decode() and b"file:" not in raw
    result = json.loads(raw)["result"]
    for image in [result, *result["variants"]]:
        expected = (public_url or "") + "/images/" + image["key"]
        assert image["url"] == image["uri"] == expected


def readme_verify() -> Any:
    """The receiver's check exactly as the README documents it."""
    readme = documentation()
    [snippet] = re.findall(r"<!-- webhook-verify -->\n```python\n(.*?)```", readme, re.S)
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)
    return namespace["verify"]


def test_a_redirecting_webhook_is_not_followed(webhook_env: None, receiver_factory: Any) -> None:
    receiver = receiver_factory([302])
    outcome = webhooks.deliver(
        receiver.url, {"job_id": "x"}, secret=SECRET, allow_private=True, backoff_s=0
    )
    assert outcome == {"status": "failed", "attempts": 1, "reason": "HTTP 302"}
    assert len(receiver.calls) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.0.0.8/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
        "http://[fd00::1]/hook",
    ],
)
def test_webhooks_to_private_addresses_are_refused_at_submit_time(url: str) -> None:
    with LocalClient(create_app()) as client:
        response = client.post("/jobs", json={"prompt": "x", "webhook_url": url})
    assert response.status_code == 400
    assert response.json()["field"] == "webhook_url"
    assert "non-public address" in response.json()["message"]


@pytest.mark.parametrize("url", ["http://a[b/hook", "http://[::1/hook", "https://x]y/"])
def test_a_webhook_url_that_does_not_parse_is_a_400(url: str) -> None:
    with LocalClient(create_app()) as client:
        response = client.post("/jobs", json={"prompt": "x", "webhook_url": url})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "webhook_url"


def test_a_webhook_host_that_turns_private_later_is_refused_at_delivery(
    receiver_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = receiver_factory()
    public = [(2, 1, 6, "", ("93.184.215.14", 80))]
    private = [(2, 1, 6, "", ("127.0.0.1", 80))]
    answers = iter([public, private])
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", lambda *a, **k: next(answers))

    webhooks.check_url("http://hooks.example.com/x", allow_private=False)  # at submit: public
    outcome = webhooks.deliver(
        "http://hooks.example.com/x", {"job_id": "x"}, secret=SECRET, allow_private=False
    )

    assert outcome["status"] == "refused"
    assert "127.0.0.1" in outcome["reason"]
    assert receiver.calls == []
