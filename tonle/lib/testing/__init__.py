"""Test helpers shared by every app's tests (pytest plugins, not business code)."""
