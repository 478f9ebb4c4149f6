"""The Host, Origin and Content-Type rules under each setting, on the ASGI app and in isolation."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from genpic.crosssite import SiteRules, check_media_type, default_hosts, host_name, origin_of
from genpic.errors import Forbidden, UnsupportedMediaType
from genpic.http.app import create_app
from genpic.settings import Settings
from tests.support.asgi import LocalClient

PUBLIC = "https://pics.example.com"


def test_every_state_changing_route_holds_to_the_rules() -> None:
    """Enumerated from the app, so a route added later is held to them too."""
    app = create_app()
    client = LocalClient(app)
    posts = [path for path, item in app.openapi()["paths"].items() if "post" in item]
    assert len(posts) >= 10
    for path in posts:
        plain = client.post(
            path, content=b'{"prompt": "x"}', headers={"Content-Type": "text/plain"}
        )
        assert (plain.status_code, plain.headers["Content-Type"]) == (415, "application/json"), path
        foreign = client.post(path, json={"prompt": "x"}, headers={"Origin": "https://e.example"})
        assert foreign.status_code == 403, path


def test_public_url_builds_every_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENPIC_PUBLIC_URL", PUBLIC + "/")
    with LocalClient(create_app()) as client:
        made = client.post("/generate", json={"prompt": "a cat"}, headers={"Origin": PUBLIC})
        assert made.status_code == 200, made.text
        body = made.json()
        assert body["url"] == body["uri"] == f"{PUBLIC}/images/{body['key']}"
        job = client.post("/jobs", json={"prompt": "a dog"})
        assert job.headers["Location"] == f"{PUBLIC}/jobs/{job.json()['job_id']}"
        listed = client.get("/images").json()["images"]
        assert {image["uri"] for image in listed} == {body["uri"]}
        # The public name is answered too, and its origin is the server's own.
        public = TestClient(create_app(), base_url=PUBLIC)
        assert public.post("/enhance", json={"prompt": "a"}, headers={"Origin": PUBLIC}).is_success


def test_allowed_hosts_replace_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENPIC_ALLOWED_HOSTS", "api.example.org, Other.Example.")
    app = create_app()
    assert LocalClient(app).get("/health").status_code == 403
    for name in ("api.example.org", "other.example", "OTHER.example:8443"):
        assert TestClient(app, base_url=f"http://{name}").get("/health").status_code == 200
    monkeypatch.setenv("GENPIC_ALLOWED_HOSTS", "*")
    assert TestClient(create_app(), base_url="http://any.example").get("/health").is_success


def test_a_cors_origin_may_change_state_and_pass_its_preflight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GENPIC_CORS_ORIGINS", "https://app.example")
    client = LocalClient(create_app())
    origin = {"Origin": "https://app.example"}
    made = client.post("/enhance", json={"prompt": "a"}, headers=origin)
    assert made.status_code == 200
    assert made.headers["access-control-allow-origin"] == "https://app.example"
    preflight = client.options(
        "/generate",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-evil",
        },
    )
    assert preflight.status_code == 403
    assert preflight.json()["error"] == "Forbidden"
    assert "headers" in preflight.json()["message"]


def test_a_server_bound_beyond_loopback_answers_its_own_names() -> None:
    app = create_app(Settings(api_key="k"), bind_host="192.168.1.5")
    key = {"X-Api-Key": "k"}
    assert TestClient(app, base_url="http://192.168.1.5:8080").get("/health").is_success
    assert LocalClient(app).get("/v1/models", headers=key).is_success
    assert TestClient(app, base_url="http://rebound.example").get("/health").status_code == 403


def test_on_lambda_any_host_is_answered_unless_listed() -> None:
    assert Settings.from_env({"AWS_LAMBDA_FUNCTION_NAME": "f"}).allowed_hosts == ("*",)
    assert Settings.from_env({}).allowed_hosts is None
    listed = Settings.from_env({"AWS_LAMBDA_FUNCTION_NAME": "f", "GENPIC_ALLOWED_HOSTS": "a.b"})
    assert listed.allowed_hosts == ("a.b",)


@pytest.mark.parametrize(
    ("bind", "public", "hosts"),
    [
        ("127.0.0.1", None, ("localhost", "127.0.0.1", "::1")),
        ("::1", None, ("localhost", "127.0.0.1", "::1")),
        ("0.0.0.0", PUBLIC, ("localhost", "127.0.0.1", "::1", "0.0.0.0", "pics.example.com")),
        ("[fd00::1]", None, ("localhost", "127.0.0.1", "::1", "fd00::1")),
    ],
)
def test_default_hosts(bind: str, public: str | None, hosts: tuple[str, ...]) -> None:
    assert default_hosts(bind, public) == hosts


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("LocalHost:8080", "localhost"),
        ("[::1]:8080", "::1"),
        ("example.com.", "example.com"),
        ("a:99999", None),
        ("a b", None),
        ("evil.example/x", None),
        ("user@evil.example", None),
        ("", None),
    ],
)
def test_host_names(header: str, name: str | None) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("HTTPS://Pics.Example.com:443/x", "https://pics.example.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:80", "http://[::1]"),
        ("null", None),
        ("file:///etc", None),
        ("http://a:bad", None),
    ],
)
def test_origins_are_normalised(url: str, origin: str | None) -> None:
    assert origin_of(url) == origin


@pytest.mark.parametrize(
    ("method", "origin", "allowed"),
    [
        ("GET", "https://evil.example", True),  # reading is the browser's CORS business
        ("POST", None, True),
        ("POST", "http://localhost:8080", True),
        ("POST", "https://localhost:8080", False),  # another scheme is another origin
        ("POST", "http://localhost:8081", False),
        ("DELETE", "null", False),
        ("PATCH", "https://app.example", True),
    ],
)
def test_origin_rule(method: str, origin: str | None, allowed: bool) -> None:
    rules = SiteRules(("localhost",), ("https://app.example",))
    check: Any = lambda: rules.check(method, "http", "localhost:8080", origin)  # noqa: E731
    if allowed:
        check()
    else:
        with pytest.raises(Forbidden):
            check()


@pytest.mark.parametrize(
    ("header", "has_body", "accepted"),
    [
        ("application/json", True, True),
        ("Application/JSON; charset=UTF-8", True, True),
        ("application/merge-patch+json", True, True),
        ("application/json; charset=iso-8859-1", True, False),
        ("text/plain", True, False),
        (None, True, False),
        (None, False, True),
        ("text/json", True, False),
    ],
)
def test_media_types(header: str | None, has_body: bool, accepted: bool) -> None:
    if accepted:
        check_media_type(header, ("application/json",), has_body=has_body)
    else:
        with pytest.raises(UnsupportedMediaType):
            check_media_type(header, ("application/json",), has_body=has_body)
