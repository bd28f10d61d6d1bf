"""Organisations, projects, components, activities and attendance."""
