"""Settings of the worker the fault tests start and kill: a PDF takes a few seconds, so it can
be killed half-way, and the heartbeat is quick, so a dead worker is noticed in seconds."""

from tonle.settings_test import *  # noqa: F403

PDF_RENDER_PAUSE = 3.0
PDF_HEARTBEAT_SECONDS = 0.5
