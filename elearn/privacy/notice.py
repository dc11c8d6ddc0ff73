"""Versions of the privacy notice.

The text of each version lives in templates/privacy/notices/<version>.<language>.html. To
publish a change: add the new version's three files, add its date here, and every person is
shown it at their next sign-in and asked to accept it.
"""

# Oldest first; the last is the one in force.
VERSIONS = ("2026-11-29",)
CURRENT_VERSION = VERSIONS[-1]
