"""Shared test fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from demo_portal import PortalServer, build_demo_site


@pytest.fixture
def fixture_portal() -> Iterator[PortalServer]:
    """The fixture portal (demo site plus robots/404/500/redirect/GBK behaviours) on 127.0.0.1:0."""
    with PortalServer(build_demo_site(with_test_behaviours=True)) as portal:
        yield portal
