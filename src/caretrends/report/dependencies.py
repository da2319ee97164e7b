"""The order of a run's notebooks: after what they depend on, no cycle, no unknown name."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, TypeVar


class Ordered(Protocol):
    """What ordering needs of a notebook: its name and what it depends on."""

    @property
    def name(self) -> str:
        """The notebook's name."""
        ...

    @property
    def depends_on(self) -> tuple[str, ...]:
        """The notebooks that must finish first."""
        ...


NotebookSpec = TypeVar("NotebookSpec", bound=Ordered)


def dependency_problems(specs: list[NotebookSpec], path: Path) -> list[str]:
    """One line per ``depends_on`` naming an unknown notebook, or one naming a cycle;
    each names the configuration ``path``."""
    names = {spec.name for spec in specs}
    problems = [
        f"{path}: notebook {spec.name}: depends_on names unknown notebook {dependency!r}"
        for spec in specs
        for dependency in spec.depends_on
        if dependency not in names
    ]
    if not problems:
        ordered = {spec.name for spec in dependency_order(specs)}
        stuck = [spec.name for spec in specs if spec.name not in ordered]
        if stuck:
            problems.append(f"{path}: depends_on has a cycle among {', '.join(stuck)}")
    return problems


def dependency_order(specs: list[NotebookSpec]) -> list[NotebookSpec]:
    """Order notebooks after their dependencies, keeping configured order where free.

    Notebooks caught in a cycle are left out, which is how a cycle is detected.
    """
    done: set[str] = set()
    ordered: list[NotebookSpec] = []
    progress = True
    while progress:
        progress = False
        for spec in specs:
            if spec.name not in done and set(spec.depends_on) <= done:
                ordered.append(spec)
                done.add(spec.name)
                progress = True
                break
    return ordered
