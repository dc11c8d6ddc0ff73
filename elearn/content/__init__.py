"""Content packages: the course format, its loader and validator, GIFT, rendering and export.

Everything in this package is pure: no Flask, no database. ``elearn/courses`` imports what
these functions load.
"""
