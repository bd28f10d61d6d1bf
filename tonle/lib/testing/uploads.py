"""A file upload handler for tests: it notes the most bytes of one file that reached it."""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler


class CountingHandler(FileUploadHandler):
    """Placed after the limit and before the handlers that keep files, it sees what they see."""

    most = 0  # the most bytes of one file passed on, over every request since `reset`

    @classmethod
    def reset(cls) -> None:
        cls.most = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        CountingHandler.most = max(CountingHandler.most, start + len(raw_data))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
