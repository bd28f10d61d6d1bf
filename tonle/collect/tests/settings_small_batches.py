"""Settings of the worker the fault test kills while it applies submissions: small batches, so
that it is killed with some applied and the rest waiting, and quick looks for waiting work."""

from tonle.settings_test import *  # noqa: F403

TONLE_COLLECT_APPLY_BATCH = 3
