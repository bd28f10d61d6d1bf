"""Figures: distinct reach, and later the results framework, computed from the records."""
