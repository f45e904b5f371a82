"""One router per resource: suggest, guard, search, feedback, health, and the console page."""
