"""Learning: enrolments, progress and (next) the lesson player and quizzes."""
