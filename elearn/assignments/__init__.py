"""Assignments: a course or a learning path given to people with a due date."""
