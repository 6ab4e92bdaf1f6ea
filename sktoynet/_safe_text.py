"""Text from the user's data, made safe for the program that will open it.

Labels, column names, the target's name, model names and the data file's
name reach the terminal, HTML, Markdown, CSV and file names. Each output
has its own dangers: escape sequences that drive a terminal, markup that a
browser or a Markdown viewer renders (scripts, links, images), formulas
that a spreadsheet program runs, file names that are too long or that break
a link. Every writer of the report goes through the functions here, so the
rules live in one place:

- :func:`for_terminal`: control characters shown as escapes (``\\x1b``);
- :func:`for_html`: control characters removed, then HTML-escaped;
  :func:`html_table` does the same to every label and cell of a DataFrame;
- :func:`for_markdown`: HTML-escaped, Markdown syntax backslash-escaped,
  on one line;
- :func:`neutralise_csv_frame`: text cells that a spreadsheet would read as
  a formula get a leading ``'`` (OWASP's advice); numbers stay numbers;
- :func:`file_stem` and :func:`file_stems`: letters, digits, ``_``, ``-``
  and ``.``, at most :data:`MAX_STEM_BYTES`, cut names told apart by a hash;
- :func:`for_url`: a relative link, percent-encoded and HTML-escaped;
- :func:`for_figure`: text drawn in a matplotlib figure, control characters
  dropped (the figures draw it with ``parse_math=False``, so ``$`` is literal).

A shared module, below every layer: the command, the report and the figures
(:mod:`sktoynet.plotting`) all use it.
"""

import hashlib
import html
import re
import unicodedata
from collections import Counter
from urllib.parse import quote

import pandas as pd

#: C0 controls but tab, newline and carriage return; DEL; C1 controls; Unicode's
#: bidirectional overrides and isolates, which reorder what a reader sees.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: The same, with tab, newline and carriage return: what breaks or overwrites a line.
_CONTROLS_AND_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: Characters that start Markdown syntax within a line: emphasis, code, links and
#: images (``[``), GitHub's table cells, strikethrough and math (``$``), and the
#: closing ``#`` of a heading.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~$#])")

#: What makes a line a list item, rule, heading underline or numbered item when it
#: starts it (``#``, ``*`` and ``>`` are escaped everywhere already).
_MARKDOWN_LINE_START = re.compile(r"^\s*(?=[-+=])|^\s*\d+(?=[.)](\s|$))")

#: First characters that make a spreadsheet program read a cell as a formula (OWASP).
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Longest file stem, in UTF-8 bytes: with a second stem and a suffix, a file
#: name stays well under the 255 bytes most file systems allow.
MAX_STEM_BYTES = 60

_HASH_LENGTH = 8


def _escape_control(match):
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def for_terminal(text):
    """``text`` on one line, its control characters shown as escapes, for printing.

    ANSI escape sequences, other C0 and C1 controls and bidirectional
    overrides can recolour, move the cursor, retitle or hide text in a
    terminal, and a carriage return or newline would overwrite a line or
    break a table; ``"\\x1b[31mred"`` is printed as the 12 characters
    ``\\x1b[31mred``. Every line the command prints from the data goes
    through here, so newlines only come from the command itself.

    Parameters
    ----------
    text : object
        Converted with ``str``.

    Returns
    -------
    str
    """
    return _CONTROLS_AND_BREAKS.sub(_escape_control, str(text))


def strip_controls(text):
    """``text`` without control characters, except tab, newline and carriage return."""
    return _CONTROLS.sub("", str(text))


def for_figure(text):
    """``text`` for a figure: control characters dropped (a tab as a space, newlines kept).

    Fonts have no glyph for them, and matplotlib warns about each one.
    """
    text = str(text).replace("\t", " ")
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")


def for_html(text):
    """``text`` for HTML text or a quoted attribute: controls removed, then escaped.

    HTML has no way to show a NUL or an escape character; browsers replace
    or drop them, and some parsers stop there.
    """
    return html.escape(strip_controls(text), quote=True)


def html_table(frame, **to_html):
    """``frame.to_html(**to_html)``, with controls removed from its labels and text cells.

    Labels and cells are HTML-escaped by pandas (``escape=True`` is forced).
    """
    clean = _map_text(frame, strip_controls)
    return clean.to_html(**{**to_html, "escape": True})


def for_markdown(text, *, line_start=False):
    """``text`` as literal Markdown text on one line.

    Line breaks and controls become spaces or are removed, ``&``, ``<`` and
    ``>`` are HTML-escaped (Markdown viewers render inline HTML), and
    characters that start Markdown syntax (emphasis, code, links, images,
    table cells, math) are backslash-escaped, so that viewers show the text
    as it is.

    Parameters
    ----------
    text : object
        Converted with ``str``.
    line_start : bool, default=False
        The text starts a line (a paragraph of its own): also escape what
        would make it a heading, list item, quote or rule there.

    Returns
    -------
    str
    """
    one_line = _CONTROLS_AND_BREAKS.sub(
        lambda match: " " if match.group() in "\t\n\r" else "", str(text)
    )
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", html.escape(one_line, quote=False))
    if line_start:
        escaped = _MARKDOWN_LINE_START.sub(lambda match: match.group() + "\\", escaped)
    return escaped


def for_csv_cell(value):
    """A text cell made inert in spreadsheets: a leading ``'`` if it starts a formula.

    Control characters but tab, newline and carriage return are removed.
    Anything but a string (numbers, negative ones included, NaN) is
    returned as it is.
    """
    if not isinstance(value, str):
        return value
    value = strip_controls(value)
    return "'" + value if value.startswith(CSV_FORMULA_STARTS) else value


def neutralise_csv_frame(frame):
    """``frame`` with :func:`for_csv_cell` applied to its text cells, labels and headers.

    Numeric columns are left as they are: ``-0.25`` is a score, not a
    formula, and stays a number for whoever reads the file.
    """
    return _map_text(frame, for_csv_cell)


def _map_text(frame, function):
    """A copy of ``frame`` with ``function`` applied to the strings of its labels and cells."""

    def on_strings(value):
        return function(value) if isinstance(value, str) else value

    def on_index(index):
        if isinstance(index, pd.MultiIndex):
            return index.map(lambda labels: tuple(on_strings(label) for label in labels))
        return index.map(on_strings)

    clean = frame.copy()
    clean.index = on_index(clean.index)
    clean.columns = on_index(clean.columns)
    for position in range(clean.shape[1]):
        column = clean.iloc[:, position]
        if not pd.api.types.is_numeric_dtype(column.dtype):
            clean.iloc[:, position] = column.map(on_strings)
    return clean


def _short_hash(text):
    return hashlib.sha256(str(text).encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_LENGTH]


def _hashed(stem, text, max_bytes):
    """``stem``, cut to leave room, then ``-`` and a hash of the whole ``text``."""
    room = max_bytes - _HASH_LENGTH - 1
    kept = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip("-.")
    return f"{kept}-{_short_hash(text)}"


def file_stem(text, *, max_bytes=MAX_STEM_BYTES):
    """A file name part made from ``text``: safe on every file system and in a link.

    Letters, digits, ``_``, ``-`` and ``.`` are kept (after Unicode NFC
    normalisation); every run of other characters becomes one ``-``, and
    ``-`` and ``.`` are stripped from the ends (no hidden files, no
    ``..``). A result longer than ``max_bytes`` UTF-8 bytes is cut and ends
    with ``-`` and a hash of the whole of ``text``, so that two long names
    that start alike get different stems. Empty results become ``"data"``.

    Parameters
    ----------
    text : object
        Converted with ``str``.
    max_bytes : int, default=MAX_STEM_BYTES
        The longest stem, in UTF-8 bytes.

    Returns
    -------
    str
    """
    normal = unicodedata.normalize("NFC", str(text))
    stem = "".join(c if c.isalnum() or c in "_-." else "-" for c in normal)
    stem = re.sub("-{2,}", "-", stem).strip("-.") or "data"
    if len(stem.encode("utf-8")) <= max_bytes:
        return stem
    return _hashed(stem, text, max_bytes)


def file_stems(names, *, lower=False):
    """``{name: stem}``: the :func:`file_stem` of each name, no two alike.

    Names whose stems would be equal (ignoring case, as some file systems
    do) each get ``-`` and a hash of the name added, so that no file
    overwrites another.

    Parameters
    ----------
    names : iterable of object
        Distinct names.
    lower : bool, default=False
        Lower-case the stems.

    Returns
    -------
    dict
    """
    stems = {name: file_stem(str(name).lower() if lower else name) for name in names}
    counts = Counter(stem.casefold() for stem in stems.values())
    return {
        name: _hashed(stem, name, MAX_STEM_BYTES) if counts[stem.casefold()] > 1 else stem
        for name, stem in stems.items()
    }


def for_url(path):
    """A relative link to file ``path``, for an HTML attribute: percent-encoded and escaped.

    Every character but letters, digits, ``_.-~`` and ``/`` is
    percent-encoded, so that ``#``, ``?``, ``:`` or ``%`` in a file name
    neither cut the link nor make it a link elsewhere.
    """
    return html.escape(quote(str(path), safe="/"), quote=True)
