"""Users, their roles, and log-in."""
