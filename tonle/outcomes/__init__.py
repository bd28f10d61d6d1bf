"""Outcomes: milestones a woman reaches, stories of change, and pre/post assessments."""
