"""Cohorts: named groups of people inside an organisation, managed by its managers."""
