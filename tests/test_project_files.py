"""The project's own files: pyproject.toml builds without warnings."""

import glob
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- pyproject.toml


def pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)


def test_the_licence_is_an_spdx_expression_not_a_table():
    """A `license = {text = …}` table, or a licence classifier, makes setuptools 77 and
    later print a deprecation box at every install (three of them, one per build step)."""
    project = pyproject()["project"]
    assert isinstance(project["license"], str)
    assert re.fullmatch(r"[A-Za-z0-9.+-]+(?: (?:OR|AND|WITH) [A-Za-z0-9.+-]+)*", project["license"])
    assert not [c for c in project.get("classifiers", []) if c.startswith("License ::")]
    for pattern in project.get("license-files", []):
        assert glob.glob(pattern, root_dir=ROOT), f"license-files: {pattern} matches nothing"


def test_the_build_asks_for_a_setuptools_that_reads_spdx_licences():
    # PEP 639 licence expressions arrived in setuptools 77; an older one refuses the string.
    requires = pyproject()["build-system"]["requires"]
    (setuptools,) = [r for r in requires if r.replace(" ", "").startswith("setuptools")]
    minimum = re.search(r">=\s*(\d+)", setuptools)
    assert minimum and int(minimum.group(1)) >= 77
