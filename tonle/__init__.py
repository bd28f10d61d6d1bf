"""Tonle: the records, figures and reports of a community NGO's programs."""
