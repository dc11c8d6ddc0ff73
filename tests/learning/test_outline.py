"""The course outline built once per version (elearn/learning/outline.py) gives, byte for byte,
what the Jinja template gave, for every state a learner can be in."""

from __future__ import annotations

import itertools
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from elearn.courses.models import CourseVersion, VersionStatus
from elearn.extensions import db
from elearn.learning.completion import (
    LessonRequirement,
    QuizRequirement,
    Requirements,
)
from elearn.learning.contents import Contents, LessonItem, QuizItem, contents_of
from elearn.learning.models import Enrolment
from elearn.learning.outline import outline_html
from elearn.learning.progress import Progress
from elearn.learning.progress import progress as learner_progress
from tests.conftest import sign_in

# learning/_outline.html as it was before the outline was built once per version: the
# reference the built outline must match. Kept verbatim (whitespace included).
REFERENCE = """\
{# The modules of a version with each lesson's state; `progress` may be None (not enrolled); `contents`: the version's lessons and quizzes (elearn/learning/contents.py). #}
{% from "learning/_progress.html" import progress_bar %}
<nav class="outline" aria-labelledby="outline-title">
  <h2 id="outline-title">{{ _("Course outline") }}</h2>
  {% for module in version.manifest.modules %}
    <section class="outline-module" aria-labelledby="module-{{ module.id }}">
      <h3 id="module-{{ module.id }}">{{ module.title[language] }}</h3>
      {% if progress and progress.modules.get(module.id) %}
        {{ progress_bar(progress.modules[module.id][0], progress.modules[module.id][1], _("Progress in this module"), "progress-" ~ module.id) }}
      {% endif %}
      <ol class="outline-list">
      {% for item in contents.lessons if item.module_key == module.id %}
        {% set state = progress.states[item.key] if progress else "" %}
        <li class="state-{{ state or 'none' }}">
          {% if progress and state != "locked" %}
            <a href="{{ url_for('learning.lesson', slug=course.slug, key=item.key) }}" {% if current is defined and current == item.key %}aria-current="page"{% endif %}>{{ item.titles[language] }}</a>
          {% else %}
            {{ item.titles[language] }}
          {% endif %}
          <span class="meta">· {{ ngettext("%(num)d minute", "%(num)d minutes", item.duration) }}{% if not item.required %} · {{ _("optional") }}{% endif %}
          {% if state == "done" %} · <strong>{{ _("done") }}</strong>{% elif state == "locked" %} · {{ _("locked until the lessons before it are done") }}{% endif %}</span>
        </li>
      {% endfor %}
      {% for quiz in contents.quizzes if quiz.module_key == module.id %}
        <li>{% if progress %}<a href="{{ url_for('quizzes.overview', slug=course.slug, key=quiz.key) }}">{{ _("Quiz") }}: {{ quiz.titles[language] }}</a>{% else %}{{ _("Quiz") }}: {{ quiz.titles[language] }}{% endif %}
          {% if progress and quiz.key in progress.passed_quizzes %} · <strong>{{ _("passed") }}</strong>{% endif %}</li>
      {% endfor %}
      </ol>
    </section>
  {% endfor %}
  {% for quiz in contents.quizzes if not quiz.module_key %}
    <p class="outline-final">{% if progress %}<a href="{{ url_for('quizzes.overview', slug=course.slug, key=quiz.key) }}">{{ quiz.titles[language] }}</a>{% else %}{{ quiz.titles[language] }}{% endif %}
      {% if progress and quiz.key in progress.passed_quizzes %} · <strong>{{ _("passed") }}</strong>{% endif %}</p>
  {% endfor %}
</nav>
"""  # noqa: E501 - the template's own lines

INTERFACE = ["ro", "en", "hu"]


def reference(app, *, version, contents, course, progress, language, current=None) -> str:
    """The outline as the Jinja template rendered it (``current`` undefined when None, as on
    the course page)."""
    context = dict(
        version=version, contents=contents, course=course, progress=progress, language=language
    )
    if current is not None:
        context["current"] = current
    return app.jinja_env.from_string(REFERENCE).render(context)


def built(*, version, contents, course, progress, language, current=None) -> str:
    return str(outline_html(version, contents, course, progress, language, current))


def in_interface(app, language: str):
    return app.test_request_context("/", headers={"Accept-Language": language})


def cached_outlines(app) -> int:
    cache = app.extensions.get("elearn_cache_version_outlines")
    return len(cache.entries) if cache else 0


# A made-up version that uses every part of the outline: titles that need escaping, one
# missing in a language, minutes in the singular and plural, optional lessons, a lesson of no
# module in the manifest, module quizzes, final quizzes, a module with no required item.


def lesson(key, module, duration=5, required=True, titles=None):
    titles = titles or {"en": f"Lesson <{key}> & \"more\" 'too'", "ro": f"Lecția {key}"}
    return LessonItem(1, key, module, 0, duration, required, f"hash-{key}", titles)


def quiz(key, module, required=True):
    titles = {"en": f"Quiz <{key}> & co", "ro": f"Testul {key}"}
    return QuizItem(1, key, module, 0, titles, {"required": required}, "print", {})


LESSONS = (
    lesson("intro", "one", duration=1),
    lesson("signs", "one", duration=12, titles={"en": "Signs <b>bold</b>"}),  # no Romanian
    lesson("extra", "one", duration=2, required=False),
    lesson("talk", "two", duration=21),
    lesson("stray", "elsewhere"),  # in no module of the manifest: never shown
    lesson("reading", "three", required=False),
)
QUIZZES = (
    quiz("check-one", "one"),
    quiz("check-two", "two", required=False),
    quiz("final", None),
    quiz("recap", None, required=False),
)
CONTENTS = Contents(
    lessons=LESSONS,
    quizzes=QUIZZES,
    requirements=Requirements(
        lessons=tuple(
            LessonRequirement(item.key, item.content_hash, item.module_key, item.required)
            for item in LESSONS
        ),
        quizzes=tuple(
            QuizRequirement(item.key, "print", {}, item.module_key or "", item.settings["required"])
            for item in QUIZZES
        ),
    ),
)
MANIFEST = {
    "modules": [
        {"id": "one", "title": {"en": "Module <one> & 'quotes'", "ro": "Modulul unu"}},
        {"id": "two", "title": {"en": "Module two", "ro": "Modulul doi"}},
        {"id": "three", "title": {"en": "Only optional"}},
    ]
}
COURSE = SimpleNamespace(slug="made-up")


def made_up_version(status=VersionStatus.PUBLISHED, content_hash="first"):
    return SimpleNamespace(id=9001, content_hash=content_hash, status=status, manifest=MANIFEST)


def made_up_progress(states, passed, modules):
    return Progress(
        done_lessons={key for key, state in states.items() if state == "done"},
        passed_quizzes=set(passed),
        states=states,
        modules=modules,
        done=sum(count[0] for count in modules.values()),
        total=sum(count[1] for count in modules.values()),
    )


STATE_CHOICES = ["done", "open", "locked", None]  # None: missing from the states
SHOWN = ["intro", "signs", "extra", "talk", "reading"]


def progress_choices():
    """Not enrolled, then learners in many states: each lesson in each state (the others
    varying with it), every lesson current in turn, quizzes passed or not, module counts
    present or not, with percentages that round up, down and to even."""
    yield None, None
    module_counts = [
        {"one": (0, 3), "two": (0, 1)},
        {"one": (1, 3), "two": (1, 1)},
        {"one": (2, 3)},
        {"one": (3, 3), "two": (0, 1), "three": (0, 0)},
        {"one": (1, 8), "two": (3, 8)},  # 12.5 % and 37.5 %: rounded to even, as Jinja does
        {},
    ]
    passed_choices = [(), ("check-one",), ("final",), ("check-one", "check-two", "final", "recap")]
    for number, states in enumerate(itertools.product(STATE_CHOICES, repeat=len(SHOWN))):
        if number % 7:  # a seventh of the 1,024 combinations, every state of every lesson
            continue
        found = {key: state for key, state in zip(SHOWN, states, strict=True) if state}
        progress = made_up_progress(
            found,
            passed_choices[number % len(passed_choices)],
            module_counts[number % len(module_counts)],
        )
        yield progress, SHOWN[number % len(SHOWN)] if number % 3 else None


@pytest.mark.parametrize("interface", INTERFACE)
@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_built_outline_is_the_templates_for_every_state(app, interface, language):
    version = made_up_version()
    checked = 0
    with in_interface(app, interface):
        for progress, current in progress_choices():
            context = dict(
                version=version,
                contents=CONTENTS,
                course=COURSE,
                progress=progress,
                language=language,
                current=current,
            )
            assert built(**context) == reference(app, **context), (progress, current)
            checked += 1
    assert checked > 100
    assert cached_outlines(app) == 1  # one entry, filled in for each of them


@pytest.mark.parametrize("interface", INTERFACE)
def test_a_draft_gives_the_same_outline_and_is_never_kept(app, interface):
    draft = made_up_version(status=VersionStatus.DRAFT)
    states = {"intro": "done", "signs": "open", "extra": "locked"}
    progress = made_up_progress(states, ["check-one"], {"one": (1, 3)})
    with in_interface(app, interface):
        for shown in (None, progress):
            context = dict(
                version=draft, contents=CONTENTS, course=COURSE, progress=shown, language="en"
            )
            assert built(**context, current="signs") == reference(app, **context, current="signs")
    assert cached_outlines(app) == 0


def test_titles_are_escaped_and_marks_translated_in_the_interface_language(app):
    version = made_up_version()
    progress = made_up_progress({"intro": "done", "signs": "locked"}, ["final"], {})
    outlines = {}
    for interface in INTERFACE:
        with in_interface(app, interface):
            outlines[interface] = built(
                version=version, contents=CONTENTS, course=COURSE, progress=progress, language="en"
            )
    assert "Lesson &lt;intro&gt; &amp; &#34;more&#34; &#39;too&#39;" in outlines["en"]
    assert "<b>" not in outlines["en"] and "Signs &lt;b&gt;bold&lt;/b&gt;" in outlines["en"]
    assert "Course outline" in outlines["en"] and "<strong>done</strong>" in outlines["en"]
    assert "Structura cursului" in outlines["ro"] and "1 minut\n" in outlines["ro"]
    assert "Course outline" not in outlines["hu"] and "Structura" not in outlines["hu"]
    assert cached_outlines(app) == 3  # one per interface language


def test_changed_content_under_the_same_version_id_is_never_served_stale(app):
    first = made_up_version(content_hash="first")
    other_manifest = {"modules": [{"id": "one", "title": {"en": "Renamed module"}}]}
    second = SimpleNamespace(
        id=first.id, content_hash="second", status=first.status, manifest=other_manifest
    )
    with in_interface(app, "en"):
        before = built(
            version=first, contents=CONTENTS, course=COURSE, progress=None, language="en"
        )
        after = built(
            version=second, contents=CONTENTS, course=COURSE, progress=None, language="en"
        )
    assert "Module &lt;one&gt;" in before
    assert "Renamed module" in after and "Module &lt;one&gt;" not in after


# The real thing: the test package (sequential, an optional lesson, a module quiz, a final
# quiz), imported, with a learner at each step of it, in each interface language.


def outline_of(html: str) -> str:
    found = re.search(r'<nav class="outline".*?</nav>', html, re.DOTALL)
    assert found, html
    return found.group(0)


def reference_outline(app, course_id, user_id, interface, current=None) -> str:
    """The outline the Jinja template gave for this learner now, as the pages pass it."""
    with in_interface(app, interface):
        version = db.session.get(CourseVersion, course_id)
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id))
        progress = learner_progress(enrolment) if enrolment else None
        language = interface if interface in version.languages else version.languages[0]
        return outline_of(
            reference(
                app,
                version=version,
                contents=contents_of(version),
                course=version.course,
                progress=progress,
                language=language,
                current=current,
            )
        )


@pytest.mark.parametrize("interface", INTERFACE)
def test_the_pages_show_the_templates_outline_at_each_step_of_a_course(
    app, client, make, course, interface
):
    person = make.user(language=interface)
    sign_in(client, person)
    seen = []

    def compare(path, current=None):
        response = client.get(path)
        assert response.status_code == 200, path
        shown = outline_of(response.get_data(as_text=True))
        assert shown == reference_outline(app, course, person.id, interface, current), path
        seen.append(shown)

    compare("/courses/test-course")  # not enrolled: no links, no marks
    assert client.post("/courses/test-course/enrol").status_code == 302
    for key in ("welcome", "media-lesson", "closing"):
        compare("/courses/test-course")
        compare(f"/courses/test-course/lessons/{key}", current=key)
        client.post(f"/courses/test-course/lessons/{key}/complete", data={"reached": "end"})
    compare("/courses/test-course")
    assert any('aria-current="page"' in shown for shown in seen)
    assert any("state-locked" in shown for shown in seen)
    assert any("state-done" in shown for shown in seen)
    assert any('<progress id="progress-first"' in shown for shown in seen)
