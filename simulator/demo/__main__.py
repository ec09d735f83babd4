"""``python -m simulator.demo``: what ``scripts/demo`` runs."""

import sys

from .cli import main

sys.exit(main())
