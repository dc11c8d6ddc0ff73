"""Learning paths: an ordered list of courses declared for a profession."""
