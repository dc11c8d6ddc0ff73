"""The few domain events one feature sends and a higher one reacts to, without the lower
feature importing the higher (house style: dependencies run one way)."""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

# Each feature connects its receivers in its init_app (elearn/<feature>/subscriptions.py),
# for any sender; the connection is process-wide, and connecting again changes nothing.

# Sent by elearn/learning the moment an enrolment meets its last requirement, inside that
# transaction, with the enrolment as sender and ``enrolment_id``, ``user_id``, ``course_id``,
# ``version_id`` (the version it was completed on) and ``completed_at``. Certificates issue
# the course's certificate.
course_completed = _events.signal("course-completed")

# Sent by elearn/learning when it works out progress or completion, with ``enrolment_ids``;
# each receiver returns {enrolment id: [elearn.learning.completion.QuizPass, ...]}, the passed
# attempts of those enrolments, which learning judges. Quizzes answer: they build on learning,
# so learning cannot read their attempts itself.
quiz_passes_requested = _events.signal("quiz-passes-requested")

# The same question asked inside a statement: sent by elearn/learning when a page reads an
# enrolment in one statement, with ``enrolment_id`` (that statement's enrolment id column);
# the receiver returns (a column holding that enrolment's passed attempts as one value, a
# function that turns the value into a list of QuizPass), so that the page needs no statement
# of its own for them. Quizzes answer.
quiz_passes_column_requested = _events.signal("quiz-passes-column-requested")

# Sent by elearn/quizzes when an attempt is graded as passed, after learning has checked the
# course's completion, inside that transaction, with the attempt as sender and
# ``attempt_id``, ``enrolment_id``, ``quiz_key``, ``round`` and ``passed_at``. Certificates
# renew a certificate when it is the renewal quiz of a renewal round.
quiz_passed = _events.signal("quiz-passed")

# Sent by elearn/learning when it counts enrolments' summaries again from their rows (after a
# bulk removal, or for generated data), inside the transaction, with ``enrolment_ids`` (None:
# every enrolment). Quizzes count theirs again: attempts started and the best score.
summaries_recounted = _events.signal("summaries-recounted")

# Sent by elearn/privacy when a person erases their account, inside the erasing transaction,
# with ``user_id`` and ``certificate_ids`` (their certificates, kept without the name).
person_erased = _events.signal("person-erased")

# Sent by elearn/privacy while it gathers everything held about a person (their download),
# with the person as sender; each receiver returns {file name: JSON-ready document} for what
# its feature holds, so that privacy needs not import the features above it.
personal_data_requested = _events.signal("personal-data-requested")

# Sent by elearn/organisations when people become confirmed members of an organisation (a
# manager confirms them, an administrator places them, an invitation is accepted), inside the
# transaction, with ``organisation_id`` and ``user_ids``. Assignments give them what is
# assigned to that organisation and those above it.
membership_confirmed = _events.signal("membership-confirmed")

# Sent by elearn/organisations when people leave an organisation (their membership ends, or
# they ask to move), inside the transaction, with ``organisation_id`` (the one they left),
# ``user_ids`` and ``moving_to`` (the organisation they move to, or None).
membership_ended = _events.signal("membership-ended")

# Sent by elearn/cohorts when people are added to a cohort (by a manager, a spreadsheet or an
# accepted invitation), inside the transaction, with ``cohort_id`` and ``user_ids``.
# Assignments give them what is assigned to the cohort.
cohort_members_added = _events.signal("cohort-members-added")

# Sent by elearn/certificates when a certificate is issued (a completion or a renewal), inside
# the transaction, with ``certificate_id``, ``user_id``, ``course_id``, ``issued_at`` and
# ``expires_on`` (None: never). Assignments count the course as met.
certificate_issued = _events.signal("certificate-issued")

# Sent by elearn/learning when it shows a person their courses (My learning, a course's page),
# with the person as sender and ``user_id``; each receiver returns a list of
# elearn.learning.due.DueDate: the courses due by a date, open or met in the last days.
# Assignments answer: they build on learning, so learning cannot read them itself.
due_dates_requested = _events.signal("due-dates-requested")

# Sent by elearn/courses when it imports a package whose certificate names a signatory, with
# ``key``; each receiver returns True when an active signatory holds that key. Certificates
# answer (they build on courses, so courses cannot read signatories itself); with no answer
# of True, the import warns that the certificates would carry no signature.
signatory_known_requested = _events.signal("signatory-known-requested")

# Sent by elearn/courses when it imports a package that names resources of the library (its
# ``resources:`` list, ``{{resource:key}}`` in lessons), with ``keys`` (a set); each receiver
# returns the set of those keys that exist. The resource library answers (it builds on
# courses); keys nobody knows make the import warn, never fail.
resource_keys_known_requested = _events.signal("resource-keys-known-requested")

# Sent by elearn/certificates' public verification page when a code is not one of its own
# certificates', with the code (canonical form) as sender and ``code``; a receiver whose
# feature issued a certificate with that code returns {"template": ..., "context": {...}},
# the page to show instead of "not found". Events answer for certificates of attendance
# (they build on certificates, so certificates cannot read them itself).
certificate_code_lookup_requested = _events.signal("certificate-code-lookup-requested")

# Sent by elearn/organisations just before an organisation is deleted, with its id as
# ``organisation_id`` (the rows that name it are about to lose it: ON DELETE SET NULL). The
# reach ledger's monthly summary moves that organisation's sessions to "no organisation".
organisation_deleting = _events.signal("organisation-deleting")
