"""The production settings as a server loads them: no test host, no start without a key."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.ALLOWED_HOSTS, s.AXES_ENABLED, s.PASSWORD_HASHERS]))"
)


def _load_settings(**environ: str) -> subprocess.CompletedProcess:
    """Load tonle.settings in a fresh interpreter with only these variables (and PATH)."""
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "tonle.settings", **environ},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_hold_no_test_values():
    loaded = _load_settings(SECRET_KEY="a-key-for-this-test")

    assert loaded.returncode == 0, loaded.stderr
    hosts, axes, hashers = json.loads(loaded.stdout)
    assert "testserver" not in hosts
    assert axes is True
    assert "MD5" not in " ".join(hashers)


def test_production_settings_refuse_to_start_without_a_key():
    loaded = _load_settings()

    assert loaded.returncode != 0
    assert "SECRET_KEY" in loaded.stderr
