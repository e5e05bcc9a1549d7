"""Single sign-on with Microsoft Entra ID or Google Workspace (issue 14 §2; design/roles.md "Single sign-on").

OpenID Connect through mozilla-django-oidc: its request view (state, nonce, PKCE) and its backend (code
exchange, ID token signature checked against the provider's JWKS, nonce). What Watchkeeper adds here:

- the identity is the provider's issuer and subject (Entra: tenant `tid` and object id `oid`, which stays
  the same across applications; elsewhere `sub`), read from the signed ID token, never the e-mail address,
  which people can change at the provider and which Entra does not verify;
- the issuer, the audience and the trust's pinned tenant (`tid`) or Google domain (`hd`) are checked;
- an identity signs in only the account its holder linked it to, while signed in or with their
  invitation (`link_identity`);
  a sign-in never creates an account nor grants a role (`create_user` refuses);
- whether the provider's multi-factor sign-in (`amr`) may stand in for Watchkeeper's own second factor is a
  trust setting, off by default, naming the values accepted (`amr_trusted`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, Person
from watchkeeper.core.clauses import enforces
from watchkeeper.people.models import IdentityLink, StaffProfile

# Session keys: why the round trip was started, and that the provider's multi-factor sign-in was accepted in
# place of Watchkeeper's own second factor (people/middleware.py reads it).
PURPOSE_KEY = "watchkeeper_sso_purpose"
PENDING_KEY = "watchkeeper_sso_pending"
PROVIDER_MFA_KEY = "watchkeeper_sso_provider_mfa"


class SignInRefused(SuspiciousOperation):
    """A provider sign-in Watchkeeper will not accept; the message is for the person, in plain words."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    tenant_id: str
    google_domain: str
    trusted_amr: frozenset[str]


def enabled() -> bool:
    """SSO is offered only when an issuer and a client are configured (settings.py insists on a pin)."""
    return bool(settings.WATCHKEEPER_OIDC_ISSUER and settings.WATCHKEEPER_OIDC_CLIENT_ID)


@lru_cache(maxsize=4)
def _discovery(issuer: str) -> dict[str, Any]:
    response = requests.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=10)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    if document.get("issuer") != issuer:  # OpenID Connect Discovery §4.3
        raise SignInRefused("the provider's discovery document names another issuer")
    return document


def provider() -> Provider:
    """The configured provider; endpoints not set explicitly come from its discovery document."""
    issuer = settings.WATCHKEEPER_OIDC_ISSUER
    explicit = (
        settings.WATCHKEEPER_OIDC_AUTHORIZATION_ENDPOINT,
        settings.WATCHKEEPER_OIDC_TOKEN_ENDPOINT,
        settings.WATCHKEEPER_OIDC_JWKS_URI,
    )
    if all(explicit):
        authorization, token, jwks = explicit
    else:
        found = _discovery(issuer)
        authorization = explicit[0] or found["authorization_endpoint"]
        token = explicit[1] or found["token_endpoint"]
        jwks = explicit[2] or found["jwks_uri"]
    return Provider(
        issuer=issuer,
        client_id=settings.WATCHKEEPER_OIDC_CLIENT_ID,
        client_secret=settings.WATCHKEEPER_OIDC_CLIENT_SECRET,
        authorization_endpoint=authorization,
        token_endpoint=token,
        jwks_uri=jwks,
        tenant_id=settings.WATCHKEEPER_OIDC_TENANT_ID,
        google_domain=settings.WATCHKEEPER_OIDC_GOOGLE_DOMAIN,
        trusted_amr=frozenset(settings.WATCHKEEPER_OIDC_TRUSTED_AMR),
    )


def identity(claims: dict[str, Any]) -> tuple[str, str, str]:
    """(issuer, subject, tenant) of verified claims. Entra's `oid` names the person across the tenant's
    applications (its `sub` differs per application); with `tid` it is Microsoft's advice for keys."""
    if claims.get("tid") and claims.get("oid"):
        return str(claims["iss"]), str(claims["oid"]), str(claims["tid"])
    return str(claims["iss"]), str(claims["sub"]), str(claims.get("hd", ""))


@enforces("9.2")
def check_claims(claims: dict[str, Any], config: Provider) -> None:
    """Refuse a signed token that is not for this installation or not from the trust's own tenant/domain.
    (The library checks the signature, expiry and nonce but not the issuer nor the audience.)"""
    if claims.get("iss") != config.issuer:
        raise SignInRefused("that sign-in came from another identity provider")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if config.client_id not in audiences:
        raise SignInRefused("that sign-in was made for another application")
    if config.tenant_id and claims.get("tid") != config.tenant_id:
        raise SignInRefused("that Microsoft account belongs to another organisation, not this trust")
    if config.google_domain and claims.get("hd") != config.google_domain:
        raise SignInRefused("that Google account is not one of this trust's school accounts")
    if not claims.get("sub"):
        raise SignInRefused("the provider did not say who signed in")


def amr_trusted(claims: dict[str, Any], config: Provider) -> bool:
    """True only where the trust named, in WATCHKEEPER_OIDC_TRUSTED_AMR, an `amr` value the token carries."""
    values = claims.get("amr") or []
    return bool(config.trusted_amr & {str(v) for v in values})


class WatchkeeperOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Not in AUTHENTICATION_BACKENDS: only the SSO callback (people/sso_views.py) calls it, so a password
    sign-in never reaches the provider. `link_for`: the signed-in person linking this identity."""

    def __init__(
        self, link_for: Person | None = None, now: datetime | None = None, through: str = "account"
    ) -> None:
        super().__init__()
        self.config = provider()
        self.OIDC_OP_TOKEN_ENDPOINT = self.config.token_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = self.config.jwks_uri
        self.OIDC_RP_CLIENT_ID = self.config.client_id
        self.OIDC_RP_CLIENT_SECRET = self.config.client_secret
        self.link_for = link_for
        self.now = now
        self.through = through
        self.claims: dict[str, Any] = {}
        self.refused: str = ""

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        # Identity comes from the signed ID token alone, not from an unsigned user-info answer.
        self.claims = payload
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        check_claims(claims, self.config)
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        issuer, subject, _ = identity(claims)
        return self.UserModel.objects.filter(
            identity_links__issuer=issuer, identity_links__subject=subject, is_active=True
        )

    def create_user(self, claims: dict[str, Any]) -> Any:
        raise SignInRefused(
            "that account is not linked to a Watchkeeper account — sign in with your password, then link it "
            "from Your account"
        )

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        # In place of the library's: it would fall back to e-mail matching or quietly return None.
        try:
            claims = self.get_userinfo(access_token, id_token, payload)
            self.verify_claims(claims)
            if self.link_for is None:
                users = list(self.filter_users_by_claims(claims))
                if len(users) != 1:
                    return self.create_user(claims)
                return _set_up(users[0])
            assert self.now is not None
            link_identity(self.link_for, claims, now=self.now, through=self.through)
            return self.link_for
        except SignInRefused as refusal:
            self.refused = str(refusal)
            raise


def _set_up(user: Any) -> Any:
    """An account signs in by SSO only once its invitation is used (issue 14 §1): one linked with its
    invitation, or reset since, has no password of its holder's yet and may not be entered any way."""
    if not user.has_usable_password():
        raise SignInRefused(
            "your account is not set up yet — use your invitation first (your own password and "
            "authenticator), then sign in with your school account"
        )
    return user


def _school(user: Person) -> Any:
    profile = StaffProfile.objects.filter(user=user).select_related("school").first()
    return profile.school if profile else None


@enforces("9.2")
def link_identity(
    user: Person, claims: dict[str, Any], *, now: datetime, through: str = "account"
) -> IdentityLink:
    """The holder links the identity they have just proved at the provider (audited): signed in, from
    their account page (`through="account"`), or with their invitation's link before they have a password
    (`through="invitation"`: the link is the key, as for choosing the password; people/invitations.py)."""
    issuer, subject, tenant = identity(claims)
    if IdentityLink.objects.filter(user=user, issuer=issuer).exists():
        raise SignInRefused("your account is already linked — remove that link first to link another")
    try:
        with transaction.atomic():
            link = IdentityLink.objects.create(
                user=user,
                issuer=issuer,
                subject=subject,
                tenant=tenant,
                email_at_link=str(claims.get("email", ""))[:254],
                linked_at=now,
            )
            record(
                "people.sso_linked",
                actor=user,
                school=_school(user),
                obj=user,
                details={"issuer": issuer, "subject": subject, "tenant": tenant, "through": through},
            )
    except IntegrityError:
        raise SignInRefused("that school account is already linked to another Watchkeeper account") from None
    return link


def unlink_identities(user: Person, *, actor: Actor, now: datetime, reason: str = "") -> int:
    """Remove every SSO link of `user` (unlinking by the holder; deactivating a leaver calls this too),
    audited in the caller's transaction. Returns how many were removed."""
    with transaction.atomic():
        links = list(IdentityLink.objects.filter(user=user))
        for link in links:
            record(
                "people.sso_unlinked",
                actor=actor,
                school=_school(user),
                obj=user,
                reason=reason,
                details={"issuer": link.issuer, "subject": link.subject, "at": now.isoformat()},
            )
        IdentityLink.objects.filter(pk__in=[link.pk for link in links]).delete()
    return len(links)


def sso_context(user: Person | None = None) -> dict[str, Any]:
    """For the sign-in and account pages: nothing about SSO shows unless it is configured."""
    if not enabled():
        return {"sso_enabled": False}
    links = list(IdentityLink.objects.filter(user=user)) if user is not None else []
    return {"sso_enabled": True, "sso_name": settings.WATCHKEEPER_OIDC_PROVIDER_NAME, "sso_links": links}
