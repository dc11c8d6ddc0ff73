"""Accounts: each person's registration, sign-in, password and profile."""
