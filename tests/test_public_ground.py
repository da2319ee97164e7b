"""The package stands on the public API of what it uses: no module reads, calls, imports
or overrides a private name (one leading underscore) of another package, so that an
upgrade that keeps its public API cannot break it. The exceptions say why."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import caretrends

PACKAGE = Path(caretrends.__file__).parent

#: (module, dotted name as written) → why it is allowed.
ALLOWED: dict[tuple[str, str], str] = {
    ("caretrends.cli", "command._option_string_actions"): (
        "argparse has no public way to ask a parser which options it has"
    ),
    ("caretrends.brief.document.word", "docx.table: _Cell"): (
        "python-docx documents its table cell class under this name (API: Table objects)"
    ),
    ("caretrends.report.zygote", "atexit._run_exitfuncs"): (
        "a forked kernel ends with os._exit, which skips atexit; ipykernel saves its history "
        "and closes its sockets there, and atexit offers no public call to run them"
    ),
    **{
        ("caretrends.brief.document.word", name): (
            "python-docx has no public API for table shading, repeated header rows, an "
            "image's alt text or simple fields: its documented way is the lxml element"
        )
        for name in (
            "cell._tc",
            "cell.paragraphs[0]._p",
            "table.rows[0]._tr",
            "shape._inline",
            "paragraph._p",
        )
    },
}

#: Names with a leading underscore that are public, documented API.
DOCUMENTED = {
    "_exit",  # os._exit
    "_asdict",  # namedtuple's methods: the underscore only keeps them apart from fields
    "_replace",
    "_fields",
    "_make",
    "_SubParsersAction",  # argparse: the documented type of add_subparsers()'s result
}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in DOCUMENTED


def _foreign(module: str | None) -> bool:
    return module is not None and module.split(".")[0] != "caretrends"


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _own_names(tree: ast.Module) -> set[str]:
    """Names the module defines or imports from the package itself."""
    names = {"self", "cls"}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom) and not _foreign(node.module or "caretrends"):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _foreign_bases(node: ast.ClassDef, namespace: dict) -> list[type]:
    """The classes of other packages (builtins aside) among ``node``'s bases and theirs."""
    bases = []
    for base in node.bases:
        try:
            bases.append(eval(compile(ast.Expression(base), "<base>", "eval"), namespace))
        except NameError:  # a class defined in a function: the package's own
            continue
    return [
        klass
        for base in bases
        if isinstance(base, type)
        for klass in base.__mro__
        if _foreign(klass.__module__) and klass.__module__ != "builtins"
    ]


def _inherited(node: ast.ClassDef, namespace: dict) -> list[str]:
    """Private names of a foreign base class that ``node`` overrides or uses on ``self``."""
    foreign = _foreign_bases(node, namespace)
    theirs = {name for klass in foreign for name in vars(klass) if _private(name)}
    found = [
        f"{node.name}.{item.name}"
        for item in node.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name in theirs
    ]
    return found + [
        ast.unparse(item)
        for item in ast.walk(node)
        if isinstance(item, ast.Attribute) and item.attr in theirs and _root(item) == "self"
    ]


def private_uses(source: str, module: str, namespace: dict) -> list[str]:
    """What ``source``, the module ``module`` whose globals are ``namespace``, uses of
    other packages' private names, as ``module: name``."""
    tree = ast.parse(source)
    own = _own_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            if _root(node.value) not in own:
                found.append(ast.unparse(node))
        elif isinstance(node, ast.ImportFrom) and _foreign(node.module):
            parts = [*node.module.split("."), *(alias.name for alias in node.names)]
            found += [f"{node.module}: {part}" for part in parts if _private(part)]
        elif isinstance(node, ast.Import):
            found += [
                alias.name
                for alias in node.names
                if _foreign(alias.name) and any(_private(p) for p in alias.name.split("."))
            ]
        elif isinstance(node, ast.ClassDef):
            found += _inherited(node, namespace)
    return [f"{module}: {name}" for name in found if (module, name) not in ALLOWED]


def _module_name(path: Path) -> str:
    dotted = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return dotted.removesuffix(".__init__")


def test_no_module_uses_a_private_name_of_another_package() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        namespace = vars(importlib.import_module(module))
        found += private_uses(path.read_text(encoding="utf-8"), module, namespace)
    assert found == []


PROBE = """\
import argparse
from jupyter_client import AsyncKernelManager
from subprocess import _args_from_interpreter_flags

class Manager(AsyncKernelManager):
    async def _async_launch_kernel(self, cmd, **kw):
        self._reconcile_connection_info({})
        self._mine = super()._context_default()
        return argparse._sys
"""


def test_the_check_finds_reads_imports_overrides_and_inherited_calls() -> None:
    namespace: dict = {}
    exec(PROBE, namespace)
    assert sorted(private_uses(PROBE, "probe", namespace)) == [
        "probe: Manager._async_launch_kernel",
        "probe: argparse._sys",
        "probe: self._reconcile_connection_info",
        "probe: subprocess: _args_from_interpreter_flags",
        "probe: super()._context_default",
    ]


def _written(node: ast.Attribute | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Attribute):
        return [ast.unparse(node)]
    return [f"{node.module}: {alias.name}" for alias in node.names]


def test_every_allowed_use_is_still_there() -> None:
    """An exception that is no longer needed goes from the list too."""
    written = {
        (module, name)
        for module, _ in ALLOWED
        for node in ast.walk(
            ast.parse(
                (PACKAGE.parent / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8")
            )
        )
        if isinstance(node, ast.Attribute | ast.ImportFrom)
        for name in _written(node)
    }
    assert set(ALLOWED) <= written
