"""Reading scenario YAML safely: limits that keep a bad file from eating the machine.

``yaml.safe_load`` already refuses ``!!python/...`` tags. On top of it, a scenario file is
read with :class:`ScenarioLoader` (a :class:`yaml.SafeLoader`), which refuses, with the YAML
path and a one-line reason:

* nesting deeper than :data:`MAX_DEPTH` levels (a real scenario needs about eight);
* more than :data:`MAX_NODES` values in all, aliases counted as what they expand to — so an
  alias bomb (``&a [*b, *b, ...]`` nested) and a file with millions of list entries stop
  after a fraction of a second instead of filling memory;
* an alias that refers to the node it is part of (a structure with no end);
* the same key twice in one mapping (YAML would silently keep the last);
* an unquoted time such as ``open: 9:00``, which YAML 1.1 reads as the number 540 (base
  60): write ``"09:00"``.

The checks sit in the composer, so they work the same over libyaml's fast parser (used when
PyYAML has it) and PyYAML's own.

Before any of this, :func:`read_scenario_text` refuses what is not a regular file (a device
such as ``/dev/zero``, a named pipe, a socket) without opening it, and files over
:data:`MAX_FILE_BYTES`. Values echoed in messages are cut to :data:`SHOWN_CHARACTERS`.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.resolver import Resolver


def _libyaml_parser() -> Any:
    """libyaml's parser (events ten times faster), or None when PyYAML was built without it."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover
        return None
    return CParser


CParser: Any = _libyaml_parser()

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest scenario file read (10 MiB): the biggest real scenario is a few hundred KiB."""

MAX_DEPTH = 50
"""Deepest nesting of mappings and lists accepted."""

MAX_NODES = 100_000
"""Most values (scalars, lists, mappings) in one document, aliases counted expanded: one
opening day of one-minute intervals for dozens of queues and pools stays far below."""

SHOWN_CHARACTERS = 200
"""Longest piece of a value quoted back in a message."""

_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")


class YamlLimitError(yaml.YAMLError):
    """A YAML document breaks one of the limits above (or repeats a key).

    Attributes:
        problem: one line, starting with the YAML path where it was found.
    """

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def shown(value: object, limit: int = SHOWN_CHARACTERS) -> str:
    """``repr(value)``, cut to about ``limit`` characters with the full length said."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 40]}… ({len(text):,} characters)"


def read_scenario_text(path: Path) -> str:
    """The text of a scenario file, checked before it is read.

    Raises:
        OSError: the file cannot be read (missing, no permission, a folder).
        UnicodeDecodeError: the file is not UTF-8.
        ValueError: it is not a regular file, or larger than :data:`MAX_FILE_BYTES`; the
            message says which and what to do.
    """
    info = path.stat()  # never opens: a pipe or a device must not block or stream for ever
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(str(path))
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(
            "is not a regular file (a device, named pipe or socket); give a scenario file"
        )
    if info.st_size > MAX_FILE_BYTES:
        raise ValueError(_too_big(info.st_size))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # swapped for a pipe after stat()
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ValueError("is not a regular file; give a scenario file")
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(_too_big(len(data)))
    return data.decode("utf-8")


def _too_big(size: int) -> str:
    return (
        f"is {size / 2**20:,.1f} MiB; scenario files are limited to "
        f"{MAX_FILE_BYTES / 2**20:g} MiB (per-interval lists for a year of one-minute "
        "intervals fit in far less)"
    )


def yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML syntax error in one line: ``line 3, column 7: found unhashable key``."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).replace("\n", " ")
    return f"{where}{problem}"


def load_yaml(text: str) -> Any:
    """Parse one YAML document with the limits of :class:`ScenarioLoader`.

    Raises:
        YamlLimitError: a limit is broken or a key repeated (``problem`` names the path).
        yaml.YAMLError: the text is not YAML.
    """
    loader = (ScenarioLoader if CParser is None else _FastScenarioLoader)(text)
    try:
        return loader.get_single_data()
    except RecursionError:  # a backstop: MAX_DEPTH keeps well inside Python's stack
        raise YamlLimitError(f"(top level): nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()


if TYPE_CHECKING:
    _Loader = yaml.SafeLoader  # what the checks are mixed into
else:
    _Loader = object


class _Checks(_Loader):
    """The checks, in the composer: depth, size (aliases expanded), duplicate keys and
    unquoted sexagesimal numbers (see the module). Mixed into a YAML loader."""

    def _start_checks(self) -> None:
        self._path: list[str] = []
        self._nodes = 0
        self._sizes: dict[str, int] = {}  # expanded size of every anchored node composed

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if isinstance(index, ScalarNode):
            self._path.append(str(index.value))
        elif isinstance(index, int):
            self._path.append(f"[{index}]")
        else:
            self._path.append("")  # the root, or a mapping's key: no part of the path
        try:
            return self._compose_counted(parent, index)
        finally:
            self._path.pop()

    def _compose_counted(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            anchor = self.peek_event().anchor
            if anchor in self.anchors and anchor not in self._sizes:
                raise YamlLimitError(
                    f"{self.where()}: the alias *{shown(anchor, 60)} refers to a value that "
                    "contains it (a structure without end)"
                )
            self._count(self._sizes.get(anchor, 1))
            return super().compose_node(parent, index)
        if len(self._path) > MAX_DEPTH:
            raise YamlLimitError(
                f"{self.where(MAX_DEPTH)}: nested deeper than {MAX_DEPTH} levels; a scenario "
                "needs about eight"
            )
        anchor = self.peek_event().anchor
        before = self._nodes
        self._count(1)
        node = super().compose_node(parent, index)
        if anchor is not None:
            self._sizes[anchor] = self._nodes - before
        if isinstance(node, ScalarNode):
            self._check_scalar(node)
        elif isinstance(node, MappingNode):
            self._check_keys(node)
        return node

    def _count(self, nodes: int) -> None:
        self._nodes += nodes
        if self._nodes > MAX_NODES:
            raise YamlLimitError(
                f"{self.where()}: more than {MAX_NODES:,} values in the file (aliases counted "
                "as what they expand to); a scenario needs far fewer — give per-interval "
                "lists of one opening day"
            )

    def _check_scalar(self, node: ScalarNode) -> None:
        # YAML 1.1 reads 9:00 as 540 (base 60): a planner meant a clock time, say so.
        plain = not node.style  # None from PyYAML's parser, "" from libyaml's
        number = node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
        if plain and number and _SEXAGESIMAL.match(node.value.replace("_", "")):
            value = self.construct_object(node)
            raise YamlLimitError(
                f"{self.where()}: {shown(node.value, 40)} without quotes is read by YAML as "
                f"the number {value:g} (base 60); write a time of day in quotes, "
                f'e.g. "{node.value}", or a duration with a unit, e.g. "90min"'
            )

    def _check_keys(self, node: MappingNode) -> None:
        seen: set[object] = set()
        for key, _ in node.value:
            if not isinstance(key, ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                continue
            value = key.value
            if value in seen:
                raise YamlLimitError(
                    f"{self.where(extra=str(value))}: the key {shown(value, 60)} is given twice "
                    f"(line {key.start_mark.line + 1}); YAML would keep only the last — "
                    "remove one"
                )
            seen.add(value)

    def where(self, depth: int | None = None, extra: str | None = None) -> str:
        """The YAML path being composed (``pools.agents.staffing[3]``), for messages."""
        parts = [p for p in self._path[: depth if depth is not None else None] if p]
        if extra is not None:
            parts.append(extra)
        if len(parts) > 8:  # deep nesting: the start and the end say where
            parts = [*parts[:4], f"…({len(parts) - 6} more levels)…", *parts[-2:]]
        text = ".".join(parts).replace(".[", "[")
        if len(text) > SHOWN_CHARACTERS:
            text = "…" + text[-(SHOWN_CHARACTERS - 1) :]
        return text or "(top level)"


class ScenarioLoader(_Checks, yaml.SafeLoader):
    """A :class:`yaml.SafeLoader` with the scenario checks (pure Python)."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._start_checks()


# YAML 1.1 wants a dot in a float (1.0e9) and reads 1e9 as text; YAML 1.2 and every planner
# read it as a number.
_EXPONENT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")
ScenarioLoader.add_implicit_resolver("tag:yaml.org,2002:float", _EXPONENT, list("-+0123456789."))

if CParser is not None:

    class _FastScenarioLoader(_Checks, CParser, Composer, SafeConstructor, Resolver):
        """:class:`ScenarioLoader` on libyaml's parser: same checks, same data."""

        # libyaml would compose in C, past the checks: compose in Python instead.
        get_single_node = Composer.get_single_node
        get_node = Composer.get_node
        check_node = Composer.check_node

        yaml_implicit_resolvers = ScenarioLoader.yaml_implicit_resolvers

        def __init__(self, stream: Any):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._start_checks()
