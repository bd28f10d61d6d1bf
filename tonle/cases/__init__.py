"""Coaching, mentoring and counselling: a case per woman and kind of support, with restricted notes."""
