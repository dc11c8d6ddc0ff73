"""The editor's media page: the course's files, uploading one with what it needs in every
language, changing alt texts and titles, deleting.

An upload is refused, next to its field, for what a package import refuses (type, size:
content.source.check_file); the draft's save then runs the package loader, which checks the
file's content and strips its metadata.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.access import roles_required
from elearn.authoring import bp, files, lookup, services, structure_media
from elearn.authoring.structure_forms import DeleteForm, media_form_class, require_for_kind, texts
from elearn.authoring.structure_views import attempt, editable
from elearn.authoring.views import EDITORS
from elearn.content.source import DEFAULT_LIMITS, check_file

# The limits of a package import (a module name, so that tests can lower them).
LIMITS = DEFAULT_LIMITS


def _render(draft, status=200, problems=(), upload_form=None, failed=None):
    """The page; ``failed`` is (path, form) of a refused change to one file."""
    package = services.load_draft(draft)
    languages = tuple(package.languages)
    items = structure_media.media_items(package)
    may_change = editable(draft)
    forms = {}
    if may_change:
        for item in items:
            prefix = _prefix(item.path)
            data = {f"alt_{c}": item.alt.get(c, "") for c in languages}
            data |= {f"title_{c}": item.title.get(c, "") for c in languages}
            texts_form = media_form_class(languages, False)(formdata=None, prefix=prefix, data=data)
            delete_form = DeleteForm(formdata=None, prefix=f"delete-{prefix}")
            if failed and failed[0] == item.path:
                texts_form = failed[1]
            if failed and failed[0] == f"delete:{item.path}":
                delete_form = failed[1]
            forms[item.path] = (texts_form, delete_form)
        upload_form = upload_form or media_form_class(languages, True)(formdata=None)
    return render_template(
        "authoring/media.html",
        draft=draft,
        package=package,
        items=items,
        forms=forms,
        upload_form=upload_form,
        failed=failed[1] if failed else None,
        editable=may_change,
        problems=list(problems),
    ), status


def _prefix(path: str) -> str:
    return "media-" + PurePosixPath(path).name.replace(".", "-")


@bp.get("/manage/drafts/<int:draft_id>/media")
@roles_required(*EDITORS)
def media(draft_id: int):
    return _render(lookup.draft_for_reading(draft_id))


@bp.post("/manage/drafts/<int:draft_id>/media")
@roles_required(*EDITORS)
def upload_media(draft_id: int):
    """A new file with its alt texts, titles, captions and transcripts."""
    draft = lookup.draft_for_editing(draft_id)
    languages = services.load_draft(draft).languages
    form = media_form_class(tuple(languages), True)()
    problems = []
    if form.validate_on_submit():
        upload = _upload_from(form, draft, languages)
        if upload is not None:

            def action():
                structure_media.add_media(draft, upload, by_id=current_user.id)

            problems = attempt(form, action)
            if problems is None:
                flash(_("%(name)s was added to the course.", name=upload.path), "success")
                return redirect(url_for("authoring.media", draft_id=draft.id, _anchor="media-list"))
            problems = _next_to_file(form, upload.path, problems)
    return _render(draft, 400, problems, upload_form=form)


def _read(field, path: str) -> bytes | None:
    """The uploaded bytes, or None with the import's refusal next to the field."""
    storage = field.data
    data = storage.stream.read(LIMITS.max_file_bytes + 1)
    refusals = check_file(path, len(data), LIMITS)
    if refusals:
        field.errors = [*field.errors, *(problem.text(_) for problem in refusals)]
        return None
    return data


def _upload_from(form, draft, languages) -> structure_media.Upload | None:
    """The upload the form describes, or None with each problem next to its field."""
    path = files.media_path(form.file.data.filename or "file")
    data = _read(form.file, path)
    if data is None:
        return None
    kind = structure_media.kind_of(path)
    if kind is None:
        form.file.errors.append(_("File: upload an image, audio, video or PDF file."))
        return None
    complete = require_for_kind(form, kind, languages)
    upload = structure_media.Upload(
        path,
        data,
        alt=texts(form, "alt", languages) if kind == "image" else {},
        title=texts(form, "title", languages),
        transcript=texts(form, "transcript", languages) if kind == "audio" else {},
    )
    if kind == "video":
        for code in languages:
            field = getattr(form, f"captions_{code}")
            if field.data:
                captions = _read(field, upload.side_path(code, ".vtt"))
                complete = complete and captions is not None
                upload.captions[code] = captions
    taken = structure_media.taken_paths(draft, upload, languages)
    if taken:
        form.file.errors.append(
            _(
                "File: the course already has %(path)s. Rename the file, or delete the old "
                "one first.",
                path=taken[0],
            )
        )
    return upload if complete and not taken else None


def _next_to_file(form, path: str, problems) -> list:
    """The validator's problems about the uploaded file, next to the file field; the rest
    stay in the list above the form."""
    rest = []
    for problem in problems:
        if problem.file == path or problem.params.get("path") == path:
            form.file.errors = [*form.file.errors, problem.text(_)]
        else:
            rest.append(problem)
    return rest


def _declared(draft, name: str) -> tuple[str, str | None]:
    package = services.load_draft(draft)
    path = f"media/{name}"
    if all(entry.file != path for entry in package.manifest.media):
        abort(404)
    return path, structure_media.kind_of(path)


@bp.post("/manage/drafts/<int:draft_id>/media/<name>")
@roles_required(*EDITORS)
def edit_media(draft_id: int, name: str):
    """A file's alt text and title in every language."""
    draft = lookup.draft_for_editing(draft_id)
    path, kind = _declared(draft, name)
    languages = services.load_draft(draft).languages
    form = media_form_class(tuple(languages), False)(prefix=_prefix(path))
    problems = []
    if form.validate_on_submit() and require_for_kind(form, kind, languages):
        alt = texts(form, "alt", languages) if kind == "image" else {}
        title = texts(form, "title", languages)

        def action():
            structure_media.describe_media(draft, path, alt, title, by_id=current_user.id)

        problems = attempt(form, action)
        if problems is None:
            flash(_("The texts of %(name)s were saved.", name=path), "success")
            return redirect(url_for("authoring.media", draft_id=draft.id, _anchor=_prefix(path)))
    return _render(draft, 400, problems, failed=(path, form))


@bp.post("/manage/drafts/<int:draft_id>/media/<name>/delete")
@roles_required(*EDITORS)
def delete_media(draft_id: int, name: str):
    """The file, its captions and transcripts; refused while a lesson still shows it."""
    draft = lookup.draft_for_editing(draft_id)
    path, _kind = _declared(draft, name)
    form = DeleteForm(prefix=f"delete-{_prefix(path)}")
    problems = []
    if form.validate_on_submit():

        def action():
            structure_media.delete_media(draft, path, by_id=current_user.id)

        problems = attempt(form, action)
        if problems is None:
            flash(_("%(name)s was deleted from the course.", name=path), "success")
            return redirect(url_for("authoring.media", draft_id=draft.id, _anchor="media-list"))
    return _render(draft, 400, problems, failed=(f"delete:{path}", form))
