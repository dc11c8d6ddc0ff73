"""Credit for quiz questions across versions of a course: pure functions, no database.

A learner who passed a quiz and then moves to a newer version of the course keeps credit for
every question whose id and content did not change. When every question their pass counted is
unchanged, the pass itself still counts (``pass_still_counts``, part of the completion rule in
elearn/learning/completion.py). When some changed, they answer only those again (a *top-up*
attempt); the results of the others are carried into it.
"""

from __future__ import annotations

import random


def top_up_plan(
    attempt_hashes: dict[str, str],
    results: dict[str, dict],
    quiz_hashes: dict[str, str],
    rng: random.Random,
) -> tuple[dict[str, dict], list[str]]:
    """(results carried over, question ids to ask again) for a pass on changed content.

    A changed question is asked again in its new wording; a removed one is replaced by a
    question of the pool that the pass did not count, so the quiz keeps its length.
    """
    unchanged = [key for key, digest in attempt_hashes.items() if quiz_hashes.get(key) == digest]
    carried = {key: results[key] for key in unchanged if key in results}
    changed = [key for key in attempt_hashes if key not in carried]
    ask = [key for key in changed if key in quiz_hashes]
    spare = [key for key in quiz_hashes if key not in attempt_hashes]
    ask += rng.sample(spare, min(len(changed) - len(ask), len(spare)))
    return carried, ask
