"""Helpers shared by every app: text keys, bilingual names, numbers and dates. No business rules."""
