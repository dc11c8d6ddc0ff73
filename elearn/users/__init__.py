"""Administering people: search, roles, organisation, deactivation."""
