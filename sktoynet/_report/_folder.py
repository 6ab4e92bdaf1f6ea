"""The report folder: checked before any fit, written aside, moved into place whole.

The rule that keeps a user's files safe: sktoynet writes a file named
:data:`MANIFEST` into every report folder, listing the files it wrote. An
existing ``--out`` folder is used only if it is empty, or if every file in it
is one its manifest lists (an earlier sktoynet report, which is then replaced
as a whole). Anything else, even one file, and sktoynet refuses before fitting.

Everything the final move needs is checked before fitting too: the staging
folder is created (the folder it is in can be written), an existing folder is
probed with a file created and removed, and the files of an earlier report
must be writable. If the move still fails at the end, every step already
made is undone: the earlier report stays as it was and nothing of
sktoynet's is left behind.

Two ways to move the report into place:

- **by renaming the folder** (the rule): the report is written into a hidden
  staging folder next to ``--out`` (``.sktoynet-staging-*``, on the same file
  system), an earlier report is renamed aside (``.sktoynet-old-*``), the
  staging folder renamed to ``--out``, and the earlier report removed. An
  error or an interrupt leaves either the old report or the new one.
- **file by file** (in place), when ``--out`` is the working directory (or
  holds it) or a mount point, which cannot be renamed: the staging folder is
  made inside ``--out``, and at the end each file of the earlier report is
  renamed aside and each new file renamed in, all undone on an error.

A symbolic link given as ``--out`` is followed: the report goes to the folder
it points to, and the link stays as it was.
"""

import contextlib
import os
import secrets
import shutil
import stat
import tempfile
from pathlib import Path

#: The file in a report folder that lists what sktoynet wrote there.
MANIFEST = "sktoynet-manifest.txt"

#: Names of sktoynet's own working folders, which a report folder may hold
#: while sktoynet writes into it (in place) and which it never counts as yours.
WORKING_PREFIXES = (".sktoynet-staging-", ".sktoynet-old-")


class OutputError(ValueError):
    """``--out`` cannot take the report; the message says why, in one line."""


def _nearest_existing(path):
    for parent in [path, *path.parents]:
        if parent.exists() or parent.is_symlink():
            return parent
    return Path.cwd()  # pragma: no cover - a relative path always has "." above it


def _entries(folder):
    """Names in ``folder``, without sktoynet's working folders."""
    return {entry.name for entry in folder.iterdir() if not entry.name.startswith(WORKING_PREFIXES)}


def _foreign_files(folder):
    """Names in ``folder`` that its manifest does not list (all of them, without one)."""
    manifest = folder / MANIFEST
    listed = set()
    if manifest.is_file():
        listed = set(manifest.read_text(encoding="utf-8").split("\n")) | {MANIFEST}
    return sorted(_entries(folder) - listed)


def _reason(exc):
    return exc.strerror or str(exc) or type(exc).__name__


def _names(names):
    shown = ", ".join(repr(name) for name in names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _resolved(out, shown):
    try:
        return out.resolve()  # through symbolic links: the report goes where they point
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise OutputError(f"--out {shown!r} cannot be followed ({exc})") from exc


def check_folder(out):
    """Refuse ``out`` with one line unless a report can be put there.

    Returns the folder the report goes to, as an absolute Path with
    symbolic links followed.
    """
    shown = str(out)
    out = _resolved(Path(out), shown)
    existing = _nearest_existing(out)
    if existing != out and not existing.is_dir():
        raise OutputError(f"--out {shown!r}: {str(existing)!r} is a file, not a folder")
    if existing == out:
        if not out.is_dir():
            raise OutputError(f"--out {shown!r} is a file, not a folder; choose a folder")
        foreign = _foreign_files(out)
        if foreign:
            raise OutputError(
                f"--out {shown!r} holds files sktoynet did not write ({_names(foreign)}); "
                "choose a new or empty folder, so that nothing of yours is overwritten"
            )
    return out


def _cannot_be_renamed(folder):
    """Whether ``folder`` must be written in place: the working directory, above it, a mount."""
    return Path.cwd().is_relative_to(folder) or os.path.ismount(folder)


def _make_staging(where, shown):
    try:
        staging = Path(tempfile.mkdtemp(prefix=WORKING_PREFIXES[0], dir=where))
    except OSError as exc:
        raise OutputError(
            f"--out {shown!r}: cannot write in {str(where)!r} ({_reason(exc)})"
        ) from exc
    staging.chmod(0o755)  # mkdtemp's 0o700 would hide the report from others
    return staging


def _read_only(path):
    """Whether ``path``'s mode gives its owner no write permission.

    The mode bits, not :func:`os.access`: root may write anywhere, but a
    folder or file its owner made read-only was protected on purpose, and
    sktoynet leaves it alone whoever runs it.
    """
    return not path.lstat().st_mode & stat.S_IWUSR


def _check_replaceable(folder, shown):
    """Refuse, before fitting, an existing ``folder`` whose files sktoynet cannot replace."""
    if _read_only(folder):
        raise OutputError(
            f"--out {shown!r}: cannot write in {str(folder)!r} (it is read-only); "
            "make it writable or choose another folder"
        )
    try:
        handle, probe = tempfile.mkstemp(prefix=WORKING_PREFIXES[0], dir=folder)
        os.close(handle)
        os.remove(probe)
    except OSError as exc:
        raise OutputError(
            f"--out {shown!r}: cannot write in {str(folder)!r} ({_reason(exc)}); "
            "make it writable or choose another folder"
        ) from exc
    read_only = sorted(name for name in _entries(folder) if _read_only(folder / name))
    if read_only:
        raise OutputError(
            f"--out {shown!r} holds read-only files ({_names(read_only)}), which sktoynet "
            "does not replace; make them writable or choose another folder"
        )


def _move_all(moves):
    """``os.replace`` each ``(source, destination)`` in turn; on an error, undo and raise."""
    done = []
    try:
        for source, destination in moves:
            os.replace(source, destination)
            done.append((source, destination))
    except OSError:
        for source, destination in reversed(done):
            with contextlib.suppress(OSError):  # the folder changed under us: undo the rest
                os.replace(destination, source)
        raise


class ReportFolder:
    """A staging folder for the report, checked and created before any fit.

    Write the report into :attr:`staging`, then call :meth:`commit` to move
    it to ``out``; :meth:`discard` (also on leaving a ``with`` block without
    committing) removes the staging folder and leaves ``out`` as it was.
    """

    def __init__(self, out):
        self.shown = Path(out)  # the paths handed back go through the user's path
        self.out = check_folder(out)
        self.in_place = self.out.is_dir() and _cannot_be_renamed(self.out)
        if self.in_place:
            # The staging folder is inside out itself, so check_folder skips it.
            self.staging = _make_staging(self.out, str(out))
        else:
            # Next to the target, on the same file system: the final move is a rename.
            self.staging = _make_staging(_nearest_existing(self.out.parent), str(out))
        self.committed = False
        if self.out.is_dir():
            try:
                _check_replaceable(self.out, str(out))
            except OutputError:
                self.discard()
                raise

    def commit(self, written):
        """Record ``written`` (paths in :attr:`staging`) in the manifest and move it all to out.

        Raises :class:`OutputError` if the report cannot be moved into
        place; the earlier report is then as it was, and only the staging
        folder is left, for :meth:`discard`.
        """
        names = sorted(Path(path).name for path in written)
        (self.staging / MANIFEST).write_text("\n".join(names) + "\n", encoding="utf-8")
        check_folder(self.shown)  # nothing of the user's has appeared there meanwhile
        try:
            if self.in_place:
                self._move_files_in([*names, MANIFEST])
            else:
                self._rename_folder()
        except OSError as exc:
            raise OutputError(
                f"--out {str(self.shown)!r}: cannot move the report into place "
                f"({_reason(exc)}); the folder is left as it was"
            ) from exc
        self.committed = True
        return [self.shown / name for name in names]

    def _rename_folder(self):
        moves = []
        old = None
        if self.out.exists():
            old = self.out.with_name(f"{WORKING_PREFIXES[1]}{secrets.token_hex(8)}")
            moves.append((self.out, old))
        made = [parent for parent in self.out.parents if not parent.exists()]
        try:
            for parent in reversed(made):
                parent.mkdir()
            _move_all([*moves, (self.staging, self.out)])
        except OSError:
            for parent in made:
                with contextlib.suppress(OSError):
                    parent.rmdir()
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _move_files_in(self, names):
        aside = Path(tempfile.mkdtemp(prefix=WORKING_PREFIXES[1], dir=self.out))
        earlier = sorted(_entries(self.out))
        try:
            _move_all(
                [(self.out / name, aside / name) for name in earlier]
                + [(self.staging / name, self.out / name) for name in names]
            )
        except OSError:
            with contextlib.suppress(OSError):  # if an undo failed, it keeps those files
                aside.rmdir()
            raise
        shutil.rmtree(aside, ignore_errors=True)
        self.staging.rmdir()  # empty: its files are in out

    def discard(self):
        if not self.committed:
            shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.discard()
