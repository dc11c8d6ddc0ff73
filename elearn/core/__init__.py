"""Pages that belong to no feature: home, health, accessibility, language, errors."""
