"""Template tags of the results pages."""
