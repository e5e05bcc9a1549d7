"""A verified passkey assertion waiting to stand for the fresh code of one decision (issue 14 §3, 9.2).
Imported by people/models.py, so it is one of the people app's models."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PasskeyAssertion(models.Model):
    """Made when a passkey assertion with user verification succeeds on a decision page; spent (used_at) by
    the first decision that offers its token. Only a hash of the token is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Removing the passkey voids what it asserted and has not been spent yet.
    credential = models.ForeignKey(
        "django_otp_webauthn.WebAuthnCredential", on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    verified_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    # Declared for mypy: the stubs' plugin looks for models in people/models.py only.
    objects: models.Manager[PasskeyAssertion] = models.Manager()
    user_id: int

    class Meta:
        app_label = "people"

    def __str__(self) -> str:
        return f"passkey assertion of {self.user_id} at {self.verified_at:%Y-%m-%d %H:%M:%S}"
