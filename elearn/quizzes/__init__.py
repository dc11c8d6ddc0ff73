"""Quizzes: drawing an attempt, answering it page by page, grading it once."""
