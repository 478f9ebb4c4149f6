"""GET /images: newest first, cursor pagination, links that work now."""

from __future__ import annotations

import urllib.request

import pytest

from tests.abstats.conftest import Deployment


def test_pages_newest_first_with_working_links(backend: Deployment) -> None:
    made = []
    for i in range(5):
        response = backend.http.post("/generate", json={"prompt": f"picture {i}"})
        assert response.status_code == 200, response.text
        made.append(response.json()["image_id"])
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = backend.http.get("/images", params=params).json()
        pages += 1
        assert len(page["images"]) <= 2
        seen += page["images"]
        cursor = page["cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert [image["image_id"] for image in seen] == made[::-1]
    assert [image["parameters"]["prompt"] for image in seen][:2] == ["picture 4", "picture 3"]
    newest = seen[0]
    if newest["bucket"] is None:  # local storage: this server's /images/<key> route
        fetched = backend.http.get(newest["url"])
        assert fetched.status_code == 200 and fetched.content[:2] == b"\xff\xd8"
    else:  # S3: a fresh presigned GET, fetched from moto
        assert "X-Amz-Signature=" in newest["url"]
        with urllib.request.urlopen(newest["url"]) as answer:
            assert answer.read()[:2] == b"\xff\xd8"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=x", "limit"),
        ("cursor=bogus", "cursor"),
    ],
)
def test_bad_paging_is_a_400(backend: Deployment, query: str, field: str) -> None:
    response = backend.http.get(f"/images?{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field
