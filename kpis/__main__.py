"""``python -m kpis`` runs the command line."""

import sys

from kpis.cli import main

sys.exit(main())
