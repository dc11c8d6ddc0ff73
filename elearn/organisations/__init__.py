"""Organisations and the people who belong to them."""
