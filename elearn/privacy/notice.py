"""Versions of the privacy notice.

The text of each version lives in templates/privacy/notices/<version>.<language>.html. To
publish a change: add the new version's three files, add its date here, and every person is
shown it at their next sign-in and asked to accept it.
"""

# Oldest first; the last is the one in force.
# 2026-12-06: session records on the server and the device cookie (issue 10).
VERSIONS = ("2026-11-29", "2026-12-06")
CURRENT_VERSION = VERSIONS[-1]
