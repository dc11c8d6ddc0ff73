"""Every module that adds routes to the authoring blueprint, imported once by the app factory."""

from elearn.authoring import (  # noqa: F401 - each adds its routes to elearn.authoring.bp
    announcement_views,
    author_views,
    copy_views,
    history_views,
    lesson_views,
    media_views,
    quiz_views,
    review_views,
    reviewer_views,
    settings_views,
    structure_views,
    views,
)
