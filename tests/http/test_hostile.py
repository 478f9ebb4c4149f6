"""A live ``genpic serve`` attacked as a web page, a rebinding DNS name and a fuzzer would.

The server runs the Bedrock engine against the wire double and stores locally, so
every refusal is checked where it matters: no InvokeModel reached the double and
no image file was written.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REGION, image_bytes
from tests.support.bedrock_double import BedrockDouble
from tests.support.live_server import LiveServer, on_the_bedrock_double

EVIL = "https://evil.example"
PAID = {"prompt": "x", "n": 4}
# Every route that takes a JSON body, with a body that would otherwise be accepted.
JSON_ROUTES: dict[str, Any] = {
    "/generate": PAID,
    "/generate-enhanced": PAID,
    "/compare": {"prompt": "x"},
    "/enhance": {"prompt": "x"},
    "/jobs": PAID,
    "/batches": {"requests": [PAID, PAID]},
    "/v1/images/generations": PAID,
    "/feedback": {"image_id": "x", "rating": 5},
}
INVISIBLE = " \u200b\u2060\ufeff "


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, bedrock: BedrockDouble
) -> Iterator[LiveServer]:
    env = on_the_bedrock_double(bedrock.url, REGION)
    with LiveServer(tmp_path_factory.mktemp("hostile"), env) as live:
        yield live


@pytest.fixture
def http(server: LiveServer, bedrock: BedrockDouble) -> Iterator[httpx.Client]:
    bedrock.reset()
    with httpx.Client(base_url=server.url, trust_env=False, timeout=30) as client:
        yield client


def files(server: LiveServer) -> set[Path]:
    """Everything the server has written under its data directory's outputs and inputs."""
    return {p for d in ("outputs", "inputs") for p in (server.data_dir / d).rglob("*")}


def model_calls(bedrock: BedrockDouble) -> int:
    return sum(1 for call in bedrock.requests if call.operation == "InvokeModel")


def refused(response: httpx.Response, status: int, error: str, field: str | None = None) -> Any:
    """Check a clean JSON refusal (genpic's shape, or OpenAI's under /v1/) and return its body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    if response.request.url.path.startswith("/v1/"):
        assert body["error"]["code"] == error
        if field is not None:
            assert body["error"]["param"] == field
    else:
        assert body["error"] == error
        assert body["request_id"] == response.headers["X-Request-Id"]
        if field is not None:
            assert body["field"] == field
    assert "Traceback" not in response.text
    return body


def finished(http: httpx.Client, job_id: str) -> Any:
    """Wait for job ``job_id`` to succeed and return its body."""
    deadline = time.monotonic() + 15
    while (polled := http.get(f"/jobs/{job_id}").json())["status"] != "succeeded":
        assert time.monotonic() < deadline, polled
        time.sleep(0.1)
    return polled


def nothing_happened(bedrock: BedrockDouble, server: LiveServer, before: set[Path]) -> None:
    time.sleep(0.3)  # a job wrongly queued would have reached the model by now
    assert model_calls(bedrock) == 0
    assert files(server) == before


# --- 1. A browser must not be able to spend the user's money -------------------------------


@pytest.mark.parametrize("path", sorted(JSON_ROUTES))
def test_a_cross_site_simple_request_is_forbidden(
    http: httpx.Client, server: LiveServer, bedrock: BedrockDouble, path: str
) -> None:
    before = files(server)
    response = http.post(
        path,
        content=json.dumps(JSON_ROUTES[path]),
        headers={"Origin": EVIL, "Content-Type": "text/plain"},
    )
    body = refused(response, 403, "Forbidden")
    assert "GENPIC_CORS_ORIGINS" in json.dumps(body)
    nothing_happened(bedrock, server, before)


@pytest.mark.parametrize("origin", ["null", EVIL, "http://127.0.0.1", "http://127.0.0.1:1"])
def test_a_foreign_origin_is_forbidden_even_with_json(
    http: httpx.Client, server: LiveServer, bedrock: BedrockDouble, origin: str
) -> None:
    before = files(server)
    response = http.post("/generate", json=PAID, headers={"Origin": origin})
    refused(response, 403, "Forbidden")
    nothing_happened(bedrock, server, before)


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
        "application/jsonx",
        None,
    ],
)
@pytest.mark.parametrize("path", ["/generate", "/batches", "/v1/images/generations"])
def test_a_json_route_refuses_other_media_types(
    http: httpx.Client,
    server: LiveServer,
    bedrock: BedrockDouble,
    path: str,
    content_type: str | None,
) -> None:
    before = files(server)
    headers = {"Content-Type": content_type} if content_type else {}
    request = http.build_request("POST", path, content=json.dumps(JSON_ROUTES[path]))
    request.headers.pop("Content-Type", None)
    request.headers.update(headers)
    refused(http.send(request), 415, "UnsupportedMediaType", "Content-Type")
    nothing_happened(bedrock, server, before)


@pytest.mark.parametrize("path", ["/uploads", "/v1/images/edits"])
def test_a_file_route_takes_multipart_only(
    http: httpx.Client, server: LiveServer, bedrock: BedrockDouble, path: str
) -> None:
    before = files(server)
    refused(http.post(path, json={"prompt": "x"}), 415, "UnsupportedMediaType")
    nothing_happened(bedrock, server, before)


def test_the_servers_own_page_and_sdks_still_generate(
    http: httpx.Client, server: LiveServer, bedrock: BedrockDouble
) -> None:
    own = http.post(
        "/generate",
        content=json.dumps({"prompt": "a cat"}),
        headers={"Origin": server.url, "Content-Type": "application/json; charset=UTF-8"},
    )
    assert own.status_code == 200, own.text
    by_name = f"localhost:{server.port}"
    named = http.post(
        "/generate",
        json={"prompt": "a dog"},
        headers={"Host": by_name, "Origin": f"http://{by_name}"},
    )
    assert named.status_code == 200, named.text
    assert named.json()["url"].startswith(f"http://{by_name}/images/outputs/")
    sdk = http.post("/generate", json={"prompt": "a fox"})  # no Origin: curl, the SDKs
    assert sdk.status_code == 200, sdk.text
    assert model_calls(bedrock) == 3


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}"])
def test_a_rebound_host_is_forbidden_and_never_echoed(
    http: httpx.Client, server: LiveServer, bedrock: BedrockDouble, host: str
) -> None:
    before = files(server)
    host = host.format(port=server.port)
    for method, path in (("GET", "/"), ("GET", "/health"), ("GET", "/images"), ("POST", "/jobs")):
        response = http.request(method, path, json=PAID, headers={"Host": host})
        refused(response, 403, "Forbidden")
        assert "Location" not in response.headers
    nothing_happened(bedrock, server, before)


def test_links_are_built_from_an_allowed_host(http: httpx.Client, server: LiveServer) -> None:
    host = f"localhost:{server.port}"
    response = http.post("/jobs", json={"prompt": "a lamp"}, headers={"Host": host})
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    assert response.headers["Location"] == f"http://{host}/jobs/{job_id}"
    assert response.json()["status_url"] == response.headers["Location"]
    finished(http, job_id)


def test_a_refused_preflight_is_a_json_403(http: httpx.Client, bedrock: BedrockDouble) -> None:
    response = http.options(
        "/generate",
        headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"},
    )
    body = refused(response, 403, "Forbidden")
    assert "origin" in body["message"]
    assert "access-control-allow-origin" not in response.headers
    assert model_calls(bedrock) == 0


# --- 2. No input is a 500 -------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(JSON_ROUTES))
@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 10_000 + b"]" * 10_000,  # RecursionError in json
        b'{"prompt": "a", "x": ' + b"[" * 100 + b"]" * 100 + b"}",  # decodes, too deep
        b'{"prompt": "a", "seed": ' + b"7" * 4301 + b"}",  # int conversion limit
        b'{"prompt": "\xff("}',  # invalid UTF-8: never U+FFFD
        b'{"prompt": "\\ud800("}',  # a lone surrogate
        b'{"prompt": "a", "strength": NaN}',
    ],
    ids=["deep", "too-deep", "long-int", "invalid-utf8", "surrogate", "nan"],
)
def test_a_hostile_body_is_a_400_on_every_json_route(
    http: httpx.Client, server: LiveServer, bedrock: BedrockDouble, path: str, raw: bytes
) -> None:
    before = files(server)
    response = http.post(path, content=raw, headers={"Content-Type": "application/json"})
    refused(response, 400, "ValidationError", "body")
    nothing_happened(bedrock, server, before)


@pytest.mark.parametrize("path", ["/uploads", "/v1/images/edits"])
def test_invalid_utf8_in_a_form_field_is_a_400(
    http: httpx.Client, server: LiveServer, bedrock: BedrockDouble, path: str
) -> None:
    before = files(server)
    boundary = "b0undary"
    raw = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n'.encode()
        + b"\xff(\r\n"
        + f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n'
        "Content-Type: image/png\r\n\r\n".encode()
        + image_bytes((320, 256), "PNG")
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = http.post(
        path, content=raw, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    refused(response, 400, "ValidationError", "prompt")
    nothing_happened(bedrock, server, before)


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/generate", {"prompt": INVISIBLE}),
        ("/enhance", {"prompt": INVISIBLE}),
        ("/compare", {"prompt": INVISIBLE}),
        ("/jobs", {"prompt": INVISIBLE}),
        ("/batches", {"requests": [{"prompt": "a"}, {"prompt": INVISIBLE}]}),
        ("/v1/images/generations", {"prompt": INVISIBLE}),
    ],
)
def test_a_prompt_of_invisible_characters_is_a_400(
    http: httpx.Client,
    server: LiveServer,
    bedrock: BedrockDouble,
    path: str,
    payload: dict[str, Any],
) -> None:
    before = files(server)
    response = http.post(path, json=payload)
    field = "requests[1].prompt" if path == "/batches" else "prompt"
    body = refused(response, 400, "ValidationError", field)
    assert "visible" in json.dumps(body)
    nothing_happened(bedrock, server, before)


def test_a_prompt_with_invisible_characters_around_text_is_fine(
    http: httpx.Client, bedrock: BedrockDouble
) -> None:
    response = http.post("/generate", json={"prompt": f"{INVISIBLE}a cat{INVISIBLE}"})
    assert response.status_code == 200, response.text
    assert model_calls(bedrock) == 1


@pytest.mark.parametrize("limit", ["²", "\u0661", "\u0663", "1e2", "-1", "0", "101", "9" * 5000])
def test_a_bad_limit_is_a_400(http: httpx.Client, limit: str) -> None:
    refused(http.get("/images", params={"limit": limit}), 400, "ValidationError", "limit")


@pytest.mark.parametrize(
    "decoded",
    [b"[" * 10_000, b"[" * 50 + b"]" * 50, b'{"t": ' + b"9" * 5000 + b"}", b"\xff\xfe"],
)
def test_a_forged_cursor_is_a_400(http: httpx.Client, decoded: bytes) -> None:
    cursor = base64.urlsafe_b64encode(decoded).decode().rstrip("=")
    refused(http.get("/images", params={"cursor": cursor}), 400, "ValidationError", "cursor")


@pytest.mark.parametrize("key", ["outputs/" + "a" * 5000 + ".png", "outputs/" + "a" * 300])
def test_an_overlong_image_key_is_a_404(http: httpx.Client, key: str) -> None:
    refused(http.get(f"/images/{key}"), 404, "NotFound")


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("s3://genpic-local/a\u0000b.png", "init_image_s3"),
        ("s3://genpic-local/" + "a" * 5000 + ".png", "init_image_s3"),
        ("s3://genpic-local/a\nb.png", "init_image_s3"),
    ],
)
@pytest.mark.parametrize("path", ["/generate", "/jobs"])
def test_an_unusable_init_image_key_is_a_400(
    http: httpx.Client,
    server: LiveServer,
    bedrock: BedrockDouble,
    path: str,
    key: str,
    field: str,
) -> None:
    before = files(server)
    response = http.post(path, json={"prompt": "a", "init_image_s3": key})
    refused(response, 400, "ValidationError", field)
    nothing_happened(bedrock, server, before)


def test_a_key_no_local_file_can_have_is_a_400(
    http: httpx.Client, server: LiveServer, bedrock: BedrockDouble
) -> None:
    before = files(server)
    key = "s3://genpic-local/" + "a" * 300 + ".png"  # a fine S3 key; NAME_MAX is 255 bytes
    response = http.post("/generate", json={"prompt": "a", "init_image_s3": key})
    refused(response, 400, "ValidationError", "init_image_s3")
    nothing_happened(bedrock, server, before)


def test_no_answer_names_a_server_path(http: httpx.Client, server: LiveServer) -> None:
    made = http.post("/generate", json={"prompt": "a boat", "n": 2})
    assert made.status_code == 200, made.text
    job = http.post("/jobs", json={"prompt": "a kite"}).json()
    polled = finished(http, job["job_id"])
    missing = http.post(
        "/generate", json={"prompt": "a", "init_image_s3": "s3://genpic-local/x.png"}
    )
    answers = [made, http.get("/images"), http.get(f"/jobs/{job['job_id']}"), missing]
    data_dir = str(server.data_dir.resolve())
    for answer in answers:
        assert data_dir not in answer.text and "file:" not in answer.text, answer.text
    body = made.json()
    for image in (body, *body["variants"], polled["result"]):
        assert image["uri"] == image["url"] == f"{server.url}/images/{image['key']}"
        assert httpx.get(image["uri"], trust_env=False).status_code == 200
    assert refused(missing, 400, "InvalidImage")["message"].count("GENPIC_DATA_DIR/inputs/x.png")
