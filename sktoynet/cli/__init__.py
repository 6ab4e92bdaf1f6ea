"""The ``sktoynet`` command line (also ``python -m sktoynet``).

The command itself is in :mod:`sktoynet.cli._command`, the problems it
runs on (built-in and ``--data``) in :mod:`sktoynet.cli._datasets`.
"""

from sktoynet.cli._command import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
