"""Publishing the archive with Datasette: metadata, views, Chinese search, report view, replay (issue 5)."""

from archive.publish.search import build_search_index
from archive.publish.views import ensure_publish_views

__all__ = ["build_search_index", "ensure_publish_views"]
