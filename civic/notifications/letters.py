"""A batch's emails as the exact bytes Django's SMTP backend would send, the MIME headers built once.

Django builds each email with the ``email`` package: the headers are folded and encoded one by one and
both addresses parsed again for every message, about half a millisecond per email, more than the
database writes around it. In a batch, the emails of one kind share everything but ``To``, ``Date``,
``Message-ID`` and the body (each reader's name, link and language): :class:`Letters` builds the first
email of each kind the full way, cuts its header block around those three lines and reuses it, and
writes each body the way the email package writes an 8bit or 7bit text part.

Nothing is guessed: the shortcut of each kind is checked against the full build of its first email
(byte for byte), and any email it could encode differently (an address or a Message-ID needing
encoding or folding, a body line over 998 bytes, an attachment) is built the full way.
"""

from __future__ import annotations

import re
import smtplib
from email.utils import formatdate

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import sanitize_address

# How the email package splits a text part into lines (email.generator's NLCRE).
_LINES = re.compile(r"\r\n|\r|\n")
_FOLD_AT = 78  # compat32's header line length: shorter ASCII lines are written as they are
_LONGEST_LINE = 998  # beyond this Django encodes the body as quoted-printable
_SLOTS = ("To", "Date", "Message-ID")
_ATOM = r"[A-Za-z0-9_%+-]+"
_ADDRESS = re.compile(rf"{_ATOM}(\.{_ATOM})*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")


class Letters:
    """``bytes_of(message)``: the email ``message`` (one recipient) as Django would send it, or None
    when it must be built the full way (``message.message()``)."""

    def __init__(self) -> None:
        self.sender = sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)
        self.envelope_sender = smtplib.quoteaddr(self.sender)
        self.heads: dict[tuple, list[str] | None] = {}

    def send(self, smtp: smtplib.SMTP, to: str, raw: bytes) -> None:
        """``smtp.sendmail(self.sender, [to], raw)`` for the bytes :meth:`bytes_of` gave: the same
        commands and the same errors, without parsing the sender and the recipient again for each
        email (``to`` passed :func:`_plain`'s check, so it is written as it is). Over a server that
        offers PIPELINING (RFC 2920, as mail servers do) the envelope and DATA go in one write and
        their replies are read together: two round trips per email instead of four."""
        smtp.ehlo_or_helo_if_needed()
        size = f" size={len(raw)}" if smtp.does_esmtp and smtp.has_extn("size") else ""
        commands = (f"mail FROM:{self.envelope_sender}{size}", f"rcpt TO:<{to}>", "data")
        if smtp.does_esmtp and smtp.has_extn("pipelining"):
            smtp.send("".join(f"{command}\r\n" for command in commands))
            replies = [smtp.getreply() for _ in commands]
        else:
            replies = []
            for command in commands:  # one at a time, stopping at the first refusal
                replies.append(smtp.docmd(command))
                if replies[-1][0] not in (250, 251, 354):
                    break
        self._refused_at(smtp, to, replies)
        smtp.send(_QUOTE_PERIODS.sub(b"..", raw) + (b"" if raw.endswith(b"\r\n") else b"\r\n") + b".\r\n")
        code, reply = smtp.getreply()
        if code != 250:
            _refused(smtp, code, smtplib.SMTPDataError(code, reply))

    def _refused_at(self, smtp: smtplib.SMTP, to: str, replies: list[tuple[int, bytes]]) -> None:
        """Raise as ``sendmail`` does when the sender, the recipient or DATA was refused."""
        errors = (
            lambda code, reply: smtplib.SMTPSenderRefused(code, reply, self.sender),
            lambda code, reply: smtplib.SMTPRecipientsRefused({to: (code, reply)}),
            smtplib.SMTPDataError,
        )
        for (code, reply), accepted, error in zip(
            replies, ((250,), (250, 251), (354,)), errors, strict=False
        ):
            if code not in accepted:
                if len(replies) == 3 and replies[2][0] == 354:
                    smtp.send(b".\r\n")  # DATA was taken all the same: end an empty message
                    smtp.getreply()
                _refused(smtp, code, error(code, reply))

    def bytes_of(self, message: EmailMessage) -> bytes | None:
        if not _plain(message):
            return None
        key = _kind(message)
        if key not in self.heads:
            self.heads[key] = _head_of(message)
        head = self.heads[key]
        if head is None:
            return None
        return _fill(head, message, formatdate(localtime=settings.EMAIL_USE_LOCALTIME))


def _refused(smtp: smtplib.SMTP, code: int, error: Exception) -> None:
    """What ``sendmail`` does on a refusal: end the transaction (or the session, on 421), raise."""
    if code == 421:
        smtp.close()
    else:
        smtp._rset()
    raise error


_SPACE = re.compile(r"\s")
_QUOTE_PERIODS = re.compile(rb"(?m)^\.")  # smtplib's dot-stuffing (RFC 5321 4.5.2)


def _plain(message: EmailMessage) -> bool:
    """One ASCII recipient, a text body without attachments, short header lines, no long body line."""
    if message.attachments or message.cc or message.bcc or message.reply_to or len(message.to) != 1:
        return False
    if message.content_subtype != "plain" or (message.encoding or settings.DEFAULT_CHARSET) != "utf-8":
        return False
    if message.from_email != settings.DEFAULT_FROM_EMAIL:
        return False  # the envelope's sender is the default one, sanitised once
    to, message_id = message.to[0], message.extra_headers.get("Message-ID", "")
    if not _ADDRESS.fullmatch(to):
        return False  # the envelope gets the address as is: only where sanitize_address keeps it so
    for name, value in (("To", to), ("Message-ID", message_id)):
        # Written as is only when ASCII, unbroken and short (else encoded or folded by the full build).
        if not value or not value.isascii() or _SPACE.search(value) or len(f"{name}: {value}") > _FOLD_AT:
            return False
    return all(len(line.encode()) <= _LONGEST_LINE for line in _LINES.split(message.body))


def _kind(message: EmailMessage) -> tuple:
    """What the shared header block depends on (the body's ASCII-ness sets 7bit or 8bit)."""
    headers = tuple((k, v) for k, v in message.extra_headers.items() if k.lower() != "message-id")
    return message.subject, message.from_email, headers, message.body.isascii()


def _head_of(message: EmailMessage) -> list[str] | None:
    """The header lines of ``message``'s full build, its To/Date/Message-ID lines left as slots; None
    when they are not plain lines or the shortcut does not give the same bytes."""
    full = message.message().as_bytes(linesep="\r\n")
    head = full.partition(b"\r\n\r\n")[0].decode("ascii", "surrogateescape").split("\r\n")
    values = {"To": message.to[0], "Message-ID": message.extra_headers["Message-ID"]}
    date = next((line[6:] for line in head if line.startswith("Date: ")), None)
    lines = []
    for line in head:
        name = line.partition(": ")[0]
        if name in _SLOTS:
            if name != "Date" and line != f"{name}: {values[name]}":
                return None
            line = name
        lines.append(line)
    if date is None or [line for line in lines if line in _SLOTS] != list(_SLOTS):
        return None
    return lines if _fill(lines, message, date) == full else None


def _fill(head: list[str], message: EmailMessage, date: str) -> bytes:
    values = {"To": message.to[0], "Date": date, "Message-ID": message.extra_headers["Message-ID"]}
    lines = [f"{line}: {values[line]}" if line in _SLOTS else line for line in head]
    # The email package writes a text part line by line with CRLF, the last line without one.
    body = "\r\n".join(_LINES.split(message.body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii", "surrogateescape") + body.encode()
