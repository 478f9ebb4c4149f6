"""Property tests: whatever string names an image, it is a key under outputs/ (or inputs/), or a 4xx.

Hypothesis draws any text as an output key (``GET /images/{key}``) and as the key of
an ``init_image_s3`` URI: the answer is the stored image itself, a 404 or a 400
naming the field, never a 500 and never a file from outside its directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genpic.http.app import create_app
from genpic.settings import Settings
from tests.support.asgi import LocalClient

PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Names that look like keys, and what an attacker would try instead.
key_text = st.one_of(
    st.text(max_size=40),
    st.text(st.sampled_from("outputs/.\\%0aA_-~:"), max_size=30),
    st.builds(lambda tail: f"outputs/{tail}", st.text(max_size=300)),
    st.builds(lambda tail: f"outputs/{tail}", st.text("abcXYZ019_.-", min_size=200, max_size=300)),
    st.sampled_from(["../secret.txt", "outputs/../secret.txt", "outputs/%2e%2e/secret.txt"]),
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalClient, Path, str]]:
    """The app on local storage with one real image, and a secret beside the data directory."""
    root = tmp_path_factory.mktemp("keys")
    (root / "secret.txt").write_text("not an image")
    data = root / "data"
    (data / "inputs").mkdir(parents=True)
    (data / "inputs" / "secret.txt").write_text("not an image either")
    app = create_app(Settings(data_dir=data))
    with LocalClient(app) as client:
        made = client.post("/generate", json={"prompt": "a key", "output_format": "png"})
        assert made.status_code == 200, made.text
        yield client, data, made.json()["key"]


@PROPERTY_SETTINGS
@given(key_text)
def test_an_output_key_is_the_image_or_a_404(
    served: tuple[LocalClient, Path, str], key: str
) -> None:
    client, _, real = served
    answer = client.get("/images/" + _as_sent(key))
    assert answer.status_code in (200, 400, 404), (key, answer.status_code, answer.text)
    if answer.status_code == 200:
        assert key == real
        assert answer.headers["content-type"] == "image/png"
    else:
        assert answer.json()["error"] in ("NotFound", "ValidationError")


def test_the_real_key_is_served(served: tuple[LocalClient, Path, str]) -> None:
    client, data, real = served
    answer = client.get(f"/images/{real}")
    assert answer.status_code == 200
    assert answer.content == (data / real).read_bytes()


@PROPERTY_SETTINGS
@given(key_text)
def test_an_init_image_key_stays_in_the_inputs(
    served: tuple[LocalClient, Path, str], key: str
) -> None:
    client, _, _ = served
    answer = client.post(
        "/generate", json={"prompt": "a", "init_image_s3": f"s3://genpic-local/{key}"}
    )
    # Nothing under inputs/ is an image: every key is refused (bad key, not there, not an
    # image, outside the inputs), and none is read from elsewhere.
    assert answer.status_code in (400, 403, 404), (key, answer.status_code, answer.text)
    body = answer.json()
    assert body["field"] == "init_image_s3" or body["error"] in ("InvalidImage", "Forbidden")


def _as_sent(key: str) -> str:
    """Quote ``key`` for the path, dot segments too, so the client cannot resolve them away.

    An attacker's raw request reaches the server with its ``..`` intact; httpx would
    otherwise normalise ``outputs/../x`` to ``x`` before sending.
    """
    segments = quote(key, safe="/").split("/")
    return "/".join(s.replace(".", "%2E") if s in (".", "..") else s for s in segments)
