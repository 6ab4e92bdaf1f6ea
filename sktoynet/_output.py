"""The report folder: checked before any fit, written aside, moved into place whole.

The rule that keeps a user's files safe: sktoynet writes a file named
:data:`MANIFEST` into every report folder, listing the files it wrote. An
existing ``--out`` folder is used only if it is empty, or if every file in it
is one its manifest lists (an earlier sktoynet report, which is then replaced
as a whole). Anything else, even one file, and sktoynet refuses before fitting.
The new report is written into a hidden staging folder next to ``--out`` and
renamed into place at the end, so an error or an interrupt leaves either the
old report or the new one, never half of one.
"""

import os
import shutil
import tempfile
from pathlib import Path

#: The file in a report folder that lists what sktoynet wrote there.
MANIFEST = "sktoynet-manifest.txt"


class OutputError(ValueError):
    """``--out`` cannot take the report; the message says why, in one line."""


def _nearest_existing(path):
    for parent in [path, *path.parents]:
        if parent.exists() or parent.is_symlink():
            return parent
    return Path.cwd()  # pragma: no cover - a relative path always has "." above it


def _foreign_files(folder):
    """Names in ``folder`` that its manifest does not list (all of them, without one)."""
    present = {entry.name for entry in folder.iterdir()}
    manifest = folder / MANIFEST
    listed = set()
    if manifest.is_file():
        listed = set(manifest.read_text(encoding="utf-8").split("\n")) | {MANIFEST}
    return sorted(present - listed)


def check_folder(out):
    """Refuse ``out`` with one line unless a report can be put there; return it as a Path."""
    out = Path(out)
    shown = str(out)
    existing = _nearest_existing(out)
    if existing != out and not existing.is_dir():
        raise OutputError(f"--out {shown!r}: {str(existing)!r} is a file, not a folder")
    if existing == out:
        if not out.is_dir():
            raise OutputError(f"--out {shown!r} is a file, not a folder; choose a folder")
        foreign = _foreign_files(out)
        if foreign:
            listed = ", ".join(repr(name) for name in foreign[:3])
            more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            raise OutputError(
                f"--out {shown!r} holds files sktoynet did not write ({listed}{more}); "
                "choose a new or empty folder, so that nothing of yours is overwritten"
            )
    return out


class ReportFolder:
    """A staging folder for the report, checked and created before any fit.

    Write the report into :attr:`staging`, then call :meth:`commit` to move
    it to ``out``; :meth:`discard` (also on leaving a ``with`` block without
    committing) removes the staging folder and leaves ``out`` as it was.
    """

    def __init__(self, out):
        self.out = check_folder(out)
        parent = _nearest_existing(self.out.parent if self.out.name else self.out)
        try:
            # Next to the target, on the same file system: the final move is a rename.
            self.staging = Path(tempfile.mkdtemp(prefix=".sktoynet-staging-", dir=parent))
        except OSError as exc:
            raise OutputError(
                f"--out {str(self.out)!r}: cannot write in {str(parent)!r} ({exc.strerror or exc})"
            ) from exc
        self.staging.chmod(0o755)  # mkdtemp's 0o700 would hide the report from others
        self.committed = False

    def commit(self, written):
        """Record ``written`` (paths in :attr:`staging`) in the manifest and move it all to out."""
        names = sorted(Path(path).name for path in written)
        (self.staging / MANIFEST).write_text("\n".join(names) + "\n", encoding="utf-8")
        check_folder(self.out)  # nothing of the user's has appeared there meanwhile
        old = None
        if self.out.exists():
            old = Path(tempfile.mkdtemp(prefix=".sktoynet-old-", dir=self.out.parent))
            os.replace(self.out, old / "report")
        else:
            self.out.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.staging, self.out)
        self.committed = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return [self.out / name for name in names]

    def discard(self):
        if not self.committed:
            shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.discard()
