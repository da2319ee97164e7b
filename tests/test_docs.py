"""The README a newcomer reads and the pages of ``docs/``: short, linked, and in step with
the commands, the CI and the environment variables they describe."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from caretrends import paths
from caretrends.cli import build_parser

ROOT = paths.project_root()
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]


def _anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to ``-``."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _broken_links(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'src="([^"]+)"', text)
    broken = []
    for target in targets:
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        linked = (page.parent / file).resolve() if file else page
        if not linked.is_file():
            broken.append(target)
        elif anchor and linked.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), flags=re.M)
            if anchor not in map(_anchor, headings):
                broken.append(target)
    return broken


def test_the_readme_is_read_in_ten_minutes() -> None:
    assert README.stat().st_size <= 10_240


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_and_image_of_the_docs_leads_somewhere(page: Path) -> None:
    assert _broken_links(page) == []


def test_the_readme_images_are_small() -> None:
    images = list((ROOT / "docs" / "images").glob("*.png"))
    assert images
    assert {i.name: i.stat().st_size for i in images if i.stat().st_size > 150_000} == {}


def test_ci_runs_the_test_command_the_readme_gives() -> None:
    commands = re.search(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    test_command = next(
        line.partition("#")[0].strip()
        for line in commands.group(1).splitlines()
        if "test suite" in line
    )
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    last = [line for line in script if line.strip() and not line.lstrip().startswith("#")][-1]
    assert shlex.split(last) == shlex.split(test_command) == ["make", "test"]


def _commands(parser: argparse.ArgumentParser, prefix: str) -> dict[str, set[str]]:
    """Every (sub)command under ``prefix`` and its long options but ``--help`` and ``--debug``."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                options = {s for a in command._actions for s in a.option_strings}
                found[f"{prefix} {name}"] = {
                    o for o in options if o.startswith("--") and o not in {"--help", "--debug"}
                }
                found |= _commands(command, f"{prefix} {name}")
    return found


def test_the_command_page_names_every_command_and_option() -> None:
    page = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    missing = [
        f"{command} {option}".strip()
        for command, options in _commands(build_parser(), "caretrends").items()
        for option in sorted(options) or [""]
        if f"`{command}" not in page or option not in page
    ]
    assert missing == []


def test_every_environment_variable_the_code_reads_is_documented() -> None:
    code = "\n".join(f.read_text(encoding="utf-8") for f in paths.PACKAGE_DIR.rglob("*.py"))
    read = set(re.findall(r'"(CARETRENDS_[A-Z_]+|CHROMIUM)"', code))
    page = (ROOT / "docs" / "environment.md").read_text(encoding="utf-8")
    assert read
    assert {name for name in read if f"`{name}`" not in page} == set()
