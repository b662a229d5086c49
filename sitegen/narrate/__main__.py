"""python -m sitegen.narrate EPISODE.md [...]"""
from __future__ import annotations

import sys

from . import main

sys.exit(main(sys.argv[1:]))
