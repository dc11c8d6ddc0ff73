"""The PostgreSQL pass skips only the tests that use no database (tests/conftest.py): a test
that migrates a scratch database, backs one up or runs the benchmark must run there."""

from __future__ import annotations

import pytest

from tests import test_bench
from tests.conftest import uses_database


class Item:
    def __init__(self, fixtures, markers=()):
        self.fixturenames = list(fixtures)
        self.markers = {name: getattr(pytest.mark, name).mark for name in markers}

    def get_closest_marker(self, name):
        return self.markers.get(name)


@pytest.mark.parametrize(
    ("fixtures", "markers", "expected"),
    [
        (["app", "client"], (), True),
        # tests/test_migrations.py: a scratch schema made from the migrated test database
        (["scratch_database_url", "migrated_database", "database_url", "tmp_path"], (), True),
        (["tmp_path"], ("database",), True),  # tests/test_bench.py reads TEST_DATABASE_URL
        (["tmp_path"], (), False),  # a pure core
        ([], ("serial",), False),
    ],
)
def test_which_tests_use_the_database(fixtures, markers, expected):
    assert uses_database(Item(fixtures, markers)) is expected


def test_the_benchmarks_test_is_marked_as_using_the_database():
    assert any(mark.name == "database" for mark in test_bench.pytestmark)
