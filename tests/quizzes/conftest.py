"""The published test course and a signed-in learner, shared with the learning tests."""

from tests.learning.conftest import course, import_files, learner  # noqa: F401
