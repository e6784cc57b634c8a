"""Fixtures of the publishing tests: the canary server, the fixture archive, Datasette's test client."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from datasette.app import Datasette

from archive.publish.cli import PLUGINS_DIR, SETTINGS, TEMPLATES_DIR
from tests.publish.canary import CanaryServer
from tests.publish.fixture_archive import FixtureArchive, build_fixture_archive


@pytest.fixture(scope="session")
def canary() -> Iterator[CanaryServer]:
    with CanaryServer() as server:
        yield server


@pytest.fixture(scope="session")
def fixture_archive(tmp_path_factory: pytest.TempPathFactory, canary: CanaryServer) -> FixtureArchive:
    # Named gov.db on purpose: the project's metadata must apply whatever the file is called.
    return build_fixture_archive(tmp_path_factory.mktemp("publish") / "gov.db", canary.url)


class Client:
    """Datasette's own test client (in-process ASGI), driven from synchronous tests."""

    def __init__(self, datasette: Datasette) -> None:
        self.datasette = datasette
        self._loop = asyncio.new_event_loop()

    def get(self, path: str, **kwargs):
        return self._loop.run_until_complete(self.datasette.client.get(path, **kwargs))

    def close(self) -> None:
        self._loop.close()


def serve(fixture_archive: FixtureArchive, settings: dict | None = None, metadata: dict | None = None) -> Client:
    """A client of the fixture archive served as `gov-reports serve` does, with these Datasette
    settings and metadata (plugin configuration) on top."""
    datasette = Datasette(immutables=[str(fixture_archive.path)], plugins_dir=str(PLUGINS_DIR),
                          template_dir=str(TEMPLATES_DIR), settings={**SETTINGS, **(settings or {})},
                          metadata=metadata)
    return Client(datasette)


@pytest.fixture(scope="session")
def client(fixture_archive: FixtureArchive) -> Iterator[Client]:
    test_client = serve(fixture_archive)
    yield test_client
    test_client.close()


@pytest.fixture
def client_with(fixture_archive: FixtureArchive) -> Iterator:
    """A function giving clients with their own settings and metadata (closed after the test)."""
    made: list[Client] = []

    def make(settings: dict | None = None, metadata: dict | None = None) -> Client:
        made.append(serve(fixture_archive, settings, metadata))
        return made[-1]

    yield make
    for each in made:
        each.close()
