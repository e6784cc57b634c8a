"""`--plugins-dir archive/publish/plugins` for a checkout that is not pip-installed: loads the explorer plugin.

An installed package registers `archive.publish.explorer` through its `datasette` entry point; then this
file adds nothing, so the plugin's hooks never run twice.
"""

from datasette.plugins import pm

from archive.publish import explorer

if not pm.is_registered(explorer):
    pm.register(explorer, name="gov_reports")
