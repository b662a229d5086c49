"""The errors that stop mastering a recording."""
from __future__ import annotations


class MasteringError(Exception):
    """A recording that cannot be mastered; the message names the file and the fix."""


class ChapterError(MasteringError):
    """A chapter that starts at or after the end of the mastered audio."""

    def __init__(self, index: int, message: str) -> None:
        self.index = index  # 0-based position in `chapters:`, so a caller can name its line
        super().__init__(message)
