"""Retro Stride's site engine: content/ in, _site/ out, as a pipeline of small modules."""

ENGINE_VERSION = "1.0.0"
