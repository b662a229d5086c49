"""The errors that stop one episode's narration."""
from __future__ import annotations


class NarrationError(Exception):
    """A problem that stops one episode's narration; the message says what to do."""


class SynthesiserMissing(NarrationError):
    """Festival or its voice is not installed: no later episode can be narrated either."""
