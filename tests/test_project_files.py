"""The project's own files: pyproject.toml builds without warnings, and `make run` shows
its address instead of a page of migrations."""

import glob
import os
import re
import subprocess
import sys
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


# --------------------------------------------------------------------------- Makefile


def recipe(target: str) -> list[str]:
    """The commands of a Makefile target, with $(BIN)/python as this interpreter."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    commands = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        command = line.strip().lstrip("@-")
        commands.append(command.replace("$(BIN)/python", sys.executable))
    assert commands, target
    return commands


def run_recipe(target: str, database_url: str) -> subprocess.CompletedProcess:
    commands = recipe(target)
    assert not any("$(" in command for command in commands), commands
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        " && ".join(commands),
        shell=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_make_db_migrates_in_one_line(tmp_path):
    """`make run` goes through `db`: its migrations must not push the address off the
    screen. The first run applies every migration (the data migrations still report what
    they changed, if only to say that it was nothing), the second none: one line."""
    url = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    first = run_recipe("db", url)
    assert first.returncode == 0, first.stderr
    lines = [line.strip() for line in first.stdout.splitlines() if line.strip()]
    assert lines == [
        "Blanked 0 addresses that were not http(s) web addresses.",
        "Copied the speaker's current name to 0 statements.",
        "Database schema is up to date.",
    ]
    again = run_recipe("db", url)
    assert again.returncode == 0, again.stderr
    assert again.stdout == "Database schema is up to date.\n"
    assert first.stderr == again.stderr == ""


def test_make_db_still_shows_its_errors(tmp_path):
    done = run_recipe("db", f"sqlite:///{tmp_path / 'missing' / 'run.sqlite3'}")
    assert done.returncode != 0
    assert "unable to open database file" in done.stderr


def test_make_run_says_where_it_serves_before_serving():
    commands = recipe("run")
    assert "runserver" in commands[-1]
    assert any(command.startswith("echo") and "http://" in command for command in commands)
