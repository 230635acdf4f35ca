import pytest

from bench.notifications_kill import SmtpSink


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on localhost that Django's SMTP backend sends to; it records Message-IDs."""
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield sink
