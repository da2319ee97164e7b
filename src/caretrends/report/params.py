"""The parameters a notebook declares, read from its cell tagged ``parameters`` with ``ast``.

A report notebook has one cell tagged ``parameters`` holding literal assignments only,
optionally annotated (``ref_areas: list[str] = ["XKX"]``). The annotation gives the type;
without one the type is inferred from the default literal. The runner checks every value
of a run configuration against these types *before* anything runs, because papermill
itself only warns about names a notebook does not declare and never checks a type.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

from caretrends.errors import ParameterError

PARAMETERS_TAG = "parameters"

_SCALARS = ("bool", "int", "float", "str")
_ANNOTATION_NAMES = {
    "bool": "bool",
    "int": "int",
    "float": "float",
    "str": "str",
    "list": "list",
    "List": "list",
    "dict": "dict",
    "Dict": "dict",
    "Any": "any",
    "object": "any",
}


@dataclass(frozen=True)
class TypeSpec:
    """A parameter type: a scalar, ``list[T]``, ``dict[K, V]``, a union, ``None`` or any.

    Examples
    --------
    >>> spec = TypeSpec("list", (TypeSpec("str"),))
    >>> str(spec), spec.accepts(["XKX", "ALB"]), spec.accepts(["XKX", 3])
    ('list[str]', True, False)
    >>> TypeSpec("float").accepts(2), TypeSpec("int").accepts(True)
    (True, False)
    """

    #: ``bool``, ``int``, ``float``, ``str``, ``None``, ``list``, ``dict``, ``union`` or
    #: ``any``.
    name: str
    #: Element type of a list, key and value types of a dict, members of a union; empty
    #: when the contents are unconstrained.
    args: tuple[TypeSpec, ...] = ()

    def accepts(self, value: object) -> bool:
        """Return whether ``value`` has this type (an int is accepted for a float)."""
        if self.name == "any":
            return True
        if self.name == "None":
            return value is None
        if self.name == "union":
            return any(member.accepts(value) for member in self.args)
        if self.name == "bool":
            return isinstance(value, bool)
        if self.name == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        if self.name == "float":
            return isinstance(value, int | float) and not isinstance(value, bool)
        if self.name == "str":
            return isinstance(value, str)
        if self.name == "list":
            return isinstance(value, list) and all(
                self.args[0].accepts(item) for item in value if self.args
            )
        if self.name == "dict":
            return isinstance(value, dict) and all(
                self.args[0].accepts(key) and self.args[1].accepts(item)
                for key, item in value.items()
                if self.args
            )
        raise AssertionError(f"unknown type name {self.name!r}")

    def __str__(self) -> str:
        if self.name == "union":
            return " | ".join(str(member) for member in self.args)
        if self.args:
            return f"{self.name}[{', '.join(str(arg) for arg in self.args)}]"
        return self.name


@dataclass(frozen=True)
class DeclaredParameter:
    """One parameter of a notebook: its name, type, default and line in the cell."""

    name: str
    type: TypeSpec
    default: object
    line: int


def type_of_value(value: object) -> TypeSpec:
    """Infer the type of a literal: ``[1, 2.5]`` is ``list[float]``, ``[]`` any list.

    Examples
    --------
    >>> str(type_of_value(["XKX", "ALB"])), str(type_of_value({"a": 1}))
    ('list[str]', 'dict[str, int]')
    >>> str(type_of_value([1, 2.5])), str(type_of_value([1, "a"]))
    ('list[float]', 'list[int | str]')

    Raises
    ------
    ValueError
        For a literal that is no parameter type (bytes, complex numbers).
    """
    if value is None:
        return TypeSpec("None")
    if type(value).__name__ in _SCALARS:
        return TypeSpec(type(value).__name__)
    if isinstance(value, list | tuple | set):
        return TypeSpec("list", (_common_type(list(value)),)) if value else TypeSpec("list")
    if isinstance(value, dict):
        if not value:
            return TypeSpec("dict")
        return TypeSpec("dict", (_common_type(list(value)), _common_type(list(value.values()))))
    raise ValueError(f"unsupported parameter value {value!r} of type {type(value).__name__}")


def _common_type(values: list[object]) -> TypeSpec:
    members: list[TypeSpec] = []
    for value in values:
        spec = type_of_value(value)
        if spec not in members:
            members.append(spec)
    if {m.name for m in members} == {"int", "float"}:
        return TypeSpec("float")
    return members[0] if len(members) == 1 else TypeSpec("union", tuple(members))


def type_of_annotation(node: ast.expr) -> TypeSpec:
    """Translate an annotation such as ``list[str]``, ``dict[str, int]``, ``float | None``.

    Raises
    ------
    ValueError
        When the annotation is not one of the supported parameter types.

    Examples
    --------
    >>> str(type_of_annotation(ast.parse("Optional[list[int]]", mode="eval").body))
    'list[int] | None'
    """
    if isinstance(node, ast.Constant) and node.value is None:
        return TypeSpec("None")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a quoted annotation
        return type_of_annotation(ast.parse(node.value, mode="eval").body)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union(type_of_annotation(node.left), type_of_annotation(node.right))
    name = _annotation_name(node.value if isinstance(node, ast.Subscript) else node)
    if isinstance(node, ast.Subscript):
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        args = tuple(type_of_annotation(item) for item in items)
        if name == "Optional" and len(args) == 1:
            return _union(args[0], TypeSpec("None"))
        if name == "Union":
            return _union(*args)
        if (_ANNOTATION_NAMES.get(name), len(args)) in {("list", 1), ("dict", 2)}:
            return TypeSpec(_ANNOTATION_NAMES[name], args)
    elif name in _ANNOTATION_NAMES:
        return TypeSpec(_ANNOTATION_NAMES[name])
    raise ValueError(f"unsupported parameter type {ast.unparse(node)!r}")


def _annotation_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # typing.Optional and the like
        return node.attr
    return ast.unparse(node)


def _union(*specs: TypeSpec) -> TypeSpec:
    members: list[TypeSpec] = []
    for spec in specs:
        for member in spec.args if spec.name == "union" else (spec,):
            if member not in members:
                members.append(member)
    return TypeSpec("union", tuple(members))


def parse_parameters_source(source: str, where: str) -> dict[str, DeclaredParameter]:
    """Read the literal assignments of a parameters cell.

    Parameters
    ----------
    source : str
        The cell's code.
    where : str
        Named in error messages (the notebook's path).

    Raises
    ------
    ParameterError
        On anything but a literal assignment to a name, an unsupported annotation, a
        default that does not match its annotation, or a ``None`` default without one.

    Examples
    --------
    >>> declared = parse_parameters_source('years: list[int] = [2015, 2020]\\nscale = 1.0', "nb")
    >>> {name: str(p.type) for name, p in declared.items()}
    {'years': 'list[int]', 'scale': 'float'}
    """
    try:
        module = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{where}: parameters cell line {exc.lineno}: {exc.msg}") from exc
    declared: dict[str, DeclaredParameter] = {}
    for statement in module.body:
        parameter = _declared_parameter(statement, where)
        declared[parameter.name] = parameter
    return declared


def _declared_parameter(statement: ast.stmt, where: str) -> DeclaredParameter:
    line = statement.lineno
    if isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target, value_node, annotation = statement.target, statement.value, statement.annotation
    elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value_node, annotation = statement.targets[0], statement.value, None
    else:
        raise ParameterError(
            f"{where}: parameters cell line {line}: only `name = literal` or "
            f"`name: type = literal` is allowed, found {ast.unparse(statement)!r}"
        )
    if not isinstance(target, ast.Name):
        raise ParameterError(f"{where}: parameters cell line {line}: assign to a plain name")
    try:
        default = ast.literal_eval(value_node)
    except ValueError as exc:
        raise ParameterError(
            f"{where}: parameter {target.id!r} (line {line}): the default must be a literal, "
            f"found {ast.unparse(value_node)!r}"
        ) from exc
    if annotation is None:
        if default is None:
            raise ParameterError(
                f"{where}: parameter {target.id!r} (line {line}) defaults to None: "
                "annotate its type, e.g. `name: str | None = None`"
            )
        try:
            spec = type_of_value(default)
        except ValueError as exc:
            raise ParameterError(f"{where}: parameter {target.id!r} (line {line}): {exc}") from exc
    else:
        try:
            spec = type_of_annotation(annotation)
        except ValueError as exc:
            raise ParameterError(f"{where}: parameter {target.id!r} (line {line}): {exc}") from exc
        if not spec.accepts(default):
            raise ParameterError(
                f"{where}: parameter {target.id!r} (line {line}): default {default!r} "
                f"is not of its annotated type {spec}"
            )
    return DeclaredParameter(name=target.id, type=spec, default=default, line=line)


def declared_parameters(notebook: Path) -> dict[str, DeclaredParameter]:
    """Return the parameters ``notebook`` declares in its cell tagged ``parameters``.

    A notebook without such a cell declares none. Two tagged cells are an error, since
    papermill would silently use the first.

    Raises
    ------
    ParameterError
        When the file is not a readable notebook, or declares badly.
    """
    # Plain JSON, not nbformat: a notebook is JSON, and nbformat's schema checks pull in
    # jsonschema, over a second before a configuration error could be told.
    try:
        nb = json.loads(notebook.read_bytes())
        cells = nb["cells"]
        tagged = [
            cell
            for cell in cells
            if cell.get("cell_type") == "code"
            and PARAMETERS_TAG in cell.get("metadata", {}).get("tags", [])
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ParameterError(f"{notebook}: not a readable notebook: {first}") from None
    if len(tagged) > 1:
        raise ParameterError(f"{notebook}: {len(tagged)} cells are tagged 'parameters'; keep one")
    return parse_parameters_source(_cell_source(tagged[0]), str(notebook)) if tagged else {}


def _cell_source(cell: dict[str, object]) -> str:
    """A cell's code: nbformat writes it as one string or as a list of lines."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)
