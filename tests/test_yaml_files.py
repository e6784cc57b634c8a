"""The project's YAML files read with libyaml give what the pure-Python safe loader gives."""

import yaml

from archive.parsing.forms import FORMS_FILE
from archive.publish.explorer import PUBLISH_DIR
from archive.publish.layout import LAYOUT_FILE
from archive.yaml_files import _LOADER, read_yaml


def test_every_project_yaml_file_reads_as_safe_load_reads_it():
    files = [FORMS_FILE, LAYOUT_FILE, *sorted(PUBLISH_DIR.glob("*.yaml")), *sorted(PUBLISH_DIR.glob("*.yml"))]
    assert len(files) >= 3
    for path in files:
        assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_libyaml_is_the_loader():
    assert _LOADER is yaml.CSafeLoader
