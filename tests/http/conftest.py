"""Fixtures for the HTTP app: a test client on the offline defaults and one on loopback AWS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from genpic.http.app import create_app
from tests.support.asgi import LocalClient
from tests.support.live_server import LiveServer


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The app on the offline defaults (preview engine, template enhancer, local storage)."""
    with LocalClient(create_app()) as test_client:
        yield test_client


@pytest.fixture
def aws_client(aws: Any) -> Iterator[TestClient]:
    """The app as deployed: Bedrock (the double) and S3 (moto), built from the environment."""
    with LocalClient(create_app()) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real ``genpic serve`` on loopback, offline defaults, its own data directory."""
    data_dir: Path = tmp_path_factory.mktemp("live-data")
    env = {"GENPIC_ENGINE": "preview", "GENPIC_ENHANCER": "template", "GENPIC_STORAGE": "local"}
    with LiveServer(data_dir, env) as server:
        yield server
