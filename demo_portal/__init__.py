"""A realistic government portal on loopback, built from real published reports: the demo site."""

from demo_portal.server import PortalServer
from demo_portal.site import Page, PortalSite, build_demo_site

__all__ = ["Page", "PortalServer", "PortalSite", "build_demo_site"]
