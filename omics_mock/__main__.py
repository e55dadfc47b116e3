"""``python -m omics_mock``: the same commands as the ``omics-mock`` script."""

from __future__ import annotations

from .harness.cli import main

raise SystemExit(main())
