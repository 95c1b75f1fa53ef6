"""How a mail leaves: through SMTP (GOVERN_SMTP_URL), or, with no mail server configured (`make run`),
into instance/outbox/ as one .eml file per mail, which the board's outbox page lists.

GOVERN_SMTP_URL: `smtp://[user:password@]host[:port]` (STARTTLS when the server offers it, port 25 by
default), `smtps://…` (TLS from the start, port 465). GOVERN_MAIL_FROM is the sender.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote, urlsplit

from govern.mail.service import Outgoing

TIMEOUT_SECONDS = 20


def message_of(mail: Outgoing, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(usegmt=True)
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "conductor.invalid"
    # The same id on every attempt: a mail sent twice (a crash after the server took it) is one mail.
    message["Message-ID"] = f"<outbox-{mail.id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Conductor-Kind"] = mail.kind
    message.set_content(mail.body)
    return message


class SMTPTransport:
    def __init__(self, url: str, sender: str):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("GOVERN_SMTP_URL must look like smtp://user:password@host:port or smtps://host")
        self.secure = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.secure else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender

    def send(self, mail: Outgoing) -> str:
        if self.secure:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_SECONDS,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
        with client:
            if not self.secure:
                client.ehlo()
                if client.has_extn("starttls"):
                    client.starttls(context=ssl.create_default_context())
                    client.ehlo()
            if self.user:
                client.login(self.user, self.password or "")
            client.send_message(message_of(mail, self.sender))
        return ""


class FileTransport:
    """Each mail as instance/outbox/<id>-<kind>.eml: readable with any mail client, and listed on
    the board's outbox page."""

    def __init__(self, folder: Path, sender: str):
        self.folder = Path(folder)
        self.sender = sender

    def send(self, mail: Outgoing) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{mail.id:08d}-{mail.kind}.eml"
        path = self.folder / name
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(bytes(message_of(mail, self.sender)))
        temporary.replace(path)
        return name


def transport_for(config: dict, instance_path: str):
    url = config.get("GOVERN_SMTP_URL") or ""
    sender = config.get("GOVERN_MAIL_FROM") or "Conductor <conductor@localhost>"
    if url:
        return SMTPTransport(url, sender)
    return FileTransport(Path(config.get("GOVERN_OUTBOX_DIR") or Path(instance_path) / "outbox"), sender)
