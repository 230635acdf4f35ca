"""A locmem email backend that holds the first send until the test lets it go: it shows what
another sender sees while an email is being sent (its row lock held)."""

import threading

from django.core.mail.backends.locmem import EmailBackend

sending = threading.Event()  # set when the first send has started
release = threading.Event()  # the first send finishes once this is set


class HeldEmailBackend(EmailBackend):
    def send_messages(self, messages):
        if not sending.is_set():
            sending.set()
            release.wait(timeout=20)
        return super().send_messages(messages)
