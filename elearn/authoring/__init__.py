"""Writing courses in the browser: drafts of a course's next version, the editor's pages,
review with diffs, publishing, history, copies, co-authors and announcements.

The browser and a text editor are two doors to the same package: a draft is a package's
files, every save passes the same validator as `elearn courses validate`, and a draft
exports to a zip and imports from one. See docs/authoring.md.
"""

from flask import Blueprint

bp = Blueprint("authoring", __name__)
