"""Shared test fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from demo_portal import PortalServer
from tests.support.portals import fixture_site


@pytest.fixture
def fixture_portal() -> Iterator[PortalServer]:
    """The fixture portal (demo site plus robots/404/500/redirect/GBK behaviours) on 127.0.0.1:0."""
    with PortalServer(fixture_site()) as portal:
        yield portal
