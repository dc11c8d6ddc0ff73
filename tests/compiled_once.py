"""Work every test's app would repeat, done once per test run.

Every test makes its own app (tests/conftest.py), and each app compiled Werkzeug's URL
builders, parsed every route's pattern and compiled every template it rendered afresh: most
of `create_app`'s time and a sixth of the permission matrix's. The results depend only on the
routes' patterns and the templates' sources, the same for every app of a run, so they are
shared here. Production makes its app once per worker and is not changed. Imported by
tests/conftest.py for its effect.
"""

from __future__ import annotations

from flask import Flask
from jinja2 import BytecodeCache
from werkzeug.routing import Rule


def _compile_builder_once(compile_builder):
    """Werkzeug compiles two URL builders per route with `ast` and `compile()` each time an app
    is made: about 110 ms of the 120 ms `create_app` takes, paid by every test. A builder depends
    only on its rule's parsed parts and defaults (it reaches the converters through the rule at
    call time), so the suite compiles each distinct one once."""
    builders = {}

    def compile_once(rule, append_unknown=True):
        defaults = rule.defaults or {}
        key = (
            append_unknown,
            tuple(rule._trace),
            tuple(
                (name, rule._converters[name].to_url(value) if name in rule._converters else None)
                for name, value in defaults.items()
            ),
        )
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    return compile_once


Rule._compile_builder = _compile_builder_once(Rule._compile_builder)


def _parse_rule_once(parse_rule):
    """After the builders, parsing each route's pattern was most of what was left of
    `create_app` (about 6 of its 15 ms). The parsed parts depend only on the pattern and the
    map's converter classes; the converters themselves belong to each map, so they are made
    afresh for each rule from the arguments the first parse asked for."""
    parsed = {}

    def parse_once(self, rule):
        key = (rule, tuple(self.map.converters.items()))
        if key in parsed:
            parts, trace, converters = parsed[key]
            self._trace.extend(trace)
            for variable, name, args, kwargs in converters:
                self._converters[variable] = self.get_converter(variable, name, args, kwargs)
                self.arguments.add(variable)
            return parts
        converters = []

        def recording(variable, name, args, kwargs):
            converters.append((variable, name, args, kwargs))
            return Rule.get_converter(self, variable, name, args, kwargs)

        start = len(self._trace)
        self.get_converter = recording
        try:
            parts = list(parse_rule(self, rule))
        finally:
            del self.get_converter
        parsed[key] = (parts, self._trace[start:], converters)
        return parts

    return parse_once


Rule._parse_rule = _parse_rule_once(Rule._parse_rule)


class _TemplatesCompiledOnce(BytecodeCache):
    """Every test makes its app, and every app's Jinja environment compiled each template it
    rendered afresh: parsing and code generation were about a sixth of the permission tests'
    time. The apps of a run share their templates' compiled code here, kept only while the
    template's source is unchanged (the bucket's checksum), as Jinja's own file cache does;
    every app is made with the same Jinja options, which is what the code depends on."""

    def __init__(self) -> None:
        self.codes: dict[str, tuple[str, object]] = {}

    def load_bytecode(self, bucket) -> None:
        checksum, code = self.codes.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket) -> None:
        self.codes[bucket.key] = (bucket.checksum, bucket.code)


_TEMPLATES = _TemplatesCompiledOnce()
_create_jinja_environment = Flask.create_jinja_environment


def _jinja_environment_sharing_templates(self):
    environment = _create_jinja_environment(self)
    environment.bytecode_cache = _TEMPLATES
    return environment


Flask.create_jinja_environment = _jinja_environment_sharing_templates
