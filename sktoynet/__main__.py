"""``python -m sktoynet``: the same as the ``sktoynet`` command."""

from sktoynet.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
