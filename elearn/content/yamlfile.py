"""YAML that is plain data and nothing else.

PyYAML's safe loader still accepts anchors and aliases (the "billion laughs"), explicit tags
such as ``!!binary`` and silently keeps the last of two duplicate keys. This loader refuses all
three, and remembers the line of every value so that later checks can point at it.
"""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from elearn.content.problems import N_, Collector

Path_ = tuple  # a path into the data: ("modules", 0, "lessons", 2, "id")

# Tags the resolver gives to plain YAML on its own; anything else was written explicitly.
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:timestamp",
}


class _Refused(Exception):
    def __init__(self, message: str, line: int, **params) -> None:
        self.message, self.line, self.params = message, line, params


# Deeper than any manifest or quiz needs; a file nested thousands of levels deep would
# otherwise exhaust Python's recursion limit while it is read.
MAX_DEPTH = 40


class _StrictLoader(yaml.SafeLoader):
    depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(
                    N_("The YAML is nested more than %(max)d levels deep."),
                    self.peek_event().start_mark.line + 1,
                    max=MAX_DEPTH,
                )
            return self._compose_checked(parent, index)
        finally:
            self.depth -= 1

    def _compose_checked(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(N_("YAML aliases (*name) are not allowed."), event.start_mark.line + 1)
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise _Refused(N_("YAML anchors (&name) are not allowed."), event.start_mark.line + 1)
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        explicit = tag not in (None, "!") and not (
            implicit is True or (isinstance(implicit, tuple) and any(implicit))
        )
        if explicit:
            raise _Refused(
                N_("YAML tags such as %(tag)s are not allowed."), event.start_mark.line + 1
            )
        return super().compose_node(parent, index)


def _walk(
    node: Node, path: Path_, lines: dict, problems: Collector, file: str, line: int | None = None
) -> None:
    # A value's line is its key's line: "title:" rather than the "ro:" below it.
    lines[path] = line or node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        problems.add(N_("YAML tags are not allowed here."), file, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                problems.add(N_("Keys must be plain words."), file, key_node.start_mark.line + 1)
                continue
            key = key_node.value
            if key in seen:
                problems.add(
                    N_("The key '%(key)s' appears twice (first on line %(first)d)."),
                    file,
                    key_node.start_mark.line + 1,
                    key=key,
                    first=seen[key],
                )
            seen[key] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines, problems, file, key_node.start_mark.line + 1)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, problems, file)


def load_yaml(text: str, file: str, problems: Collector) -> tuple[object, dict[Path_, int]]:
    """Parse ``text``; return the data and the line of every path, or (None, {}) on problems."""
    loader = None
    try:
        loader = _StrictLoader(text)
        node = loader.get_single_node()
        if node is None:
            problems.add(N_("The file is empty."), file, 1)
            return None, {}
        lines: dict[Path_, int] = {}
        before = len(problems.problems)
        _walk(node, (), lines, problems, file)
        if len(problems.problems) > before:
            return None, {}
        return loader.construct_document(node), lines
    except _Refused as refused:
        problems.add(refused.message, file, refused.line, **refused.params)
    except yaml.MarkedYAMLError as error:
        hint, mark = _slip(error)
        if hint:
            problems.add(hint, file, mark.line + 1 if mark else None)
        else:
            mark = error.problem_mark or error.context_mark
            problems.add(
                N_("This is not valid YAML: %(detail)s."),
                file,
                mark.line + 1 if mark else None,
                detail=error.problem or str(error),
            )
    except yaml.YAMLError as error:
        problems.add(N_("This is not valid YAML: %(detail)s."), file, None, detail=str(error))
    finally:
        if loader is not None:
            loader.dispose()
    return None, {}


def _slip(error: yaml.MarkedYAMLError):
    """A message in the reader's language, and its place, for the slips people make when
    they write YAML by hand (PyYAML's own words are English and technical); (None, None) for
    any other error."""
    problem, context = error.problem or "", error.context or ""
    if problem == "mapping values are not allowed here":
        return N_(
            "A value holds a colon followed by a space, which YAML reads as a new key. Put the "
            'value in double quotes, like: title: "Part 1: the basics".'
        ), error.problem_mark
    if "'\\t'" in problem:  # PyYAML writes the tab as backslash-t
        return N_(
            "This line is indented with a tab. YAML indents with spaces only: replace the tab "
            "with spaces."
        ), error.problem_mark
    if context == "while scanning a quoted scalar":
        return N_(
            "A quotation mark opened on this line is never closed. Close it at the end of the "
            "value, or remove it."
        ), error.context_mark
    if problem == "could not find expected ':'":
        return N_(
            "A line here has no colon. Each line needs a key and a value, like: duration: 10 "
            "(or, in a list, starts with a dash)."
        ), error.context_mark
    return None, None


def line_of(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of ``path``, or of its nearest parent that has one."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
