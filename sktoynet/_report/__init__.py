"""The comparison's report: tables, figures, HTML and the report folder.

Knows only what it is given (sections of data and results); it imports
neither the command nor :mod:`sktoynet.comparison`.
"""
