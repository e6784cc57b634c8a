"""A plain `datasette archive.db` in an environment where the package is installed has the explorer.

The package's entry points are read from pyproject.toml and written into a dist-info directory, exactly
what `pip install` records, so the subprocess's Datasette discovers the plugin the way a user's does:
no --plugins-dir, no --template-dir, no --setting.
"""

from __future__ import annotations

import pytest

import json
import os
import shutil
import sys
import tomllib
import urllib.request
from pathlib import Path

import lxml.html

from tests.publish.served import datasette_server

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def installed_entry_points(site: Path) -> None:
    """Record pyproject.toml's entry points in `site` as an installed distribution's metadata."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    info = site / "gov_reports_entry_point_test-0.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: gov-reports-entry-point-test\nVersion: 0.0\n")
    groups = project["entry-points"]
    (info / "entry_points.txt").write_text("".join(
        f"[{group}]\n" + "".join(f"{name} = {target}\n" for name, target in points.items())
        for group, points in groups.items()))


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def test_plain_datasette_has_the_explorer_through_the_entry_point(tmp_path, fixture_archive):
    installed_entry_points(tmp_path / "site")
    shutil.copy(fixture_archive.path, tmp_path / "archive.db")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(ROOT)])}
    command = [sys.executable, "-m", "datasette", "serve", str(tmp_path / "archive.db"), "--port", "0"]
    with datasette_server(command, env=env) as url:
        plugins = {p["name"]: p for p in json.loads(_get(url + "/-/plugins.json"))}
        settings = json.loads(_get(url + "/-/settings.json"))
        home = lxml.html.document_fromstring(_get(url + "/"))
        report = lxml.html.document_fromstring(_get(url + f"/archive/-/report/{fixture_archive.ids['haian_2020']}"))
    # Named after the distribution that registered it: this test's, or the package itself where it
    # is pip-installed (as under the README's test command); pluggy loads one module once.
    (plugin,) = [plugins[name] for name in ("gov-reports", "gov-reports-entry-point-test") if name in plugins]
    assert plugin["templates"] is True
    assert "register_routes" in plugin["hooks"]
    assert (settings["sql_time_limit_ms"], settings["suggest_facets"], settings["truncate_cells_html"]) == (
        3500, False, 200)
    assert home.findtext(".//h1") == "政府信息公开工作年度报告 archive"
    assert [t.get("data-table") for t in report.xpath("//table[@data-table]")] == [
        "active", "requests", "review_litigation"]
