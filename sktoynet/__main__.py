"""``python -m sktoynet``: the same as the ``sktoynet`` command."""

from sktoynet.cli import run

if __name__ == "__main__":
    run()
