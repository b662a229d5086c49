#!/usr/bin/env python3
"""Retro Stride: build the site, podcast feed and drill guide. Run `python build.py --help`."""
import sys

from sitegen.cli import main

if __name__ == "__main__":
    sys.exit(main())
