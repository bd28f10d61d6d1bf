"""The test suite's PostgreSQL backend: PostgreSQL's, with a flush that deletes instead of truncating."""
