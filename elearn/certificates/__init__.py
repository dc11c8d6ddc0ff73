"""Certificates: issued once on completion, printable, verifiable by anyone, revocable."""
