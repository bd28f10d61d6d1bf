"""Test-run settings shared by every test: browser tests may touch the ORM from Playwright's loop."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
