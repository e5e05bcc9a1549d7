"""The two-person rule across accounts (9.2, 9.5; design/roles.md "Accounts not yet their holder's own").

Whoever set an account's password or saw its authenticator secret can act as that account until its
holder has replaced both. So a decision that lets footage be seen or leave is not taken by someone who
could act as the person who asked, nor by an account that the person who asked could act as: that would be
one person on both sides of the rule. Every such decision (viewing.services.decide,
evidence.services.decide_download and reissue_download) calls `decider_problems`; the pages call
`standing` to offer, or not, the decision.

Such a request is not stuck: another Headteacher or designated person of the school may decide it, and so
may the DPO ("re-routed", the `people.decide_rerouted` action), unless the DPO set those credentials, when
another DPO-role holder must.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from watchkeeper.core.action_words import not_permitted
from watchkeeper.core.actors import Actor, Person, is_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.permissions import can
from watchkeeper.people.models import Credential, CredentialSetting, Invitation

REROUTED = "people.decide_rerouted"
NOW = None  # a moment: the settings in force now (the newest of each)
Moment = datetime | None
Rows = dict[int, dict[str, list[CredentialSetting]]]


def _settings(user_ids: Iterable[int]) -> Rows:
    rows: Rows = defaultdict(lambda: defaultdict(list))
    for row in CredentialSetting.objects.filter(user_id__in=set(user_ids)).order_by("set_at", "pk"):
        rows[row.user_id][row.credential].append(row)
    return rows


def _in_force(rows: list[CredentialSetting], at: Moment) -> CredentialSetting | None:
    if at is NOW:
        return rows[-1] if rows else None
    earlier = [row for row in rows if row.set_at <= at]
    return earlier[-1] if earlier else None


def setters(
    user_id: int, moments: Sequence[Moment] = (NOW,), rows: Rows | None = None
) -> dict[int, set[str]]:
    """The people other than the holder who set a credential of the account in force at any of `moments`:
    {setter's id: {"password", "second_factor"}}. SYSTEM (no person) is nobody."""
    rows = _settings([user_id]) if rows is None else rows
    found: dict[int, set[str]] = defaultdict(set)
    for credential, history in rows.get(user_id, {}).items():
        for at in moments:
            row = _in_force(history, at)
            if row is not None and row.by_someone_else:
                found[row.set_by_id].add(credential)  # type: ignore[index]
    return dict(found)


def controllers(user_id: int, moments: Sequence[Moment] = (NOW,)) -> set[int]:
    """Who could act as the account at any of `moments`: its holder, whoever set a credential in force, and
    in turn whoever could act as those (an account made by an account that is not yet its holder's own)."""
    known, frontier = {user_id}, {user_id}
    while frontier:
        rows = _settings(frontier)
        found = {setter for uid in frontier for setter in setters(uid, moments, rows)}
        frontier = found - known
        known |= frontier
    return known


def is_own(user: Person) -> bool:
    """True once nobody but the holder (or SYSTEM) set the password and authenticator now in force."""
    return not setters(user.pk)


def set_by_others(user: Person) -> list[CredentialSetting]:
    """The settings in force that someone else made (for the holder's notice and the account page)."""
    rows = _settings([user.pk]).get(user.pk, {})
    current = [_in_force(rows.get(c, []), NOW) for c in Credential.values]
    return [row for row in current if row is not None and row.by_someone_else]


def awaiting_invitation(user: Person) -> bool:
    """True while the person has an invitation they have not used (an account not yet set up, or reset):
    until they set their own password and authenticator with it, the account decides nothing."""
    return Invitation.objects.open().filter(user=user).exists()


def is_rerouted(parties: Iterable[Any], asked_at: datetime) -> bool:
    """A request whose asker (or staff requestor) was or is on an account someone else could act as: some
    decider of the school may be barred from it, so the DPO may decide it too."""
    return any(controllers(p.pk, (asked_at, NOW)) != {p.pk} for p in parties if p is not None)


def _name(user: Person) -> str:
    return str(user.get_full_name() or user.get_username())


def _what(credentials: set[str]) -> str:
    return " and ".join(Credential(c).label for c in Credential.values if c in credentials)


def link(actor: Person, parties: Iterable[Any], asked_at: datetime) -> str | None:
    """Plain words for why credentials tie `actor` to someone who asked (None: they do not). The asker is
    looked at as they were when they asked and as they are now; the decider as they are now."""
    mine = controllers(actor.pk)
    for party in parties:
        if party is None or party.pk == actor.pk:  # one's own request: each service refuses that itself
            continue
        moments = (asked_at, NOW)
        theirs = controllers(party.pk, moments)
        if mine & theirs:
            return _why(actor, party, mine, theirs, moments)
    return None


def _why(actor: Person, party: Any, mine: set[int], theirs: set[int], moments: Sequence[Moment]) -> str:
    name = _name(party)
    set_theirs, set_mine = setters(party.pk, moments), setters(actor.pk)
    if actor.pk in set_theirs:
        return f"you set the {_what(set_theirs[actor.pk])} of {name}"
    if actor.pk in theirs:
        return f"you set the password or authenticator of someone who set those of {name}"
    if party.pk in set_mine:
        return f"{name} set your {_what(set_mine[party.pk])}"
    if party.pk in mine:
        return f"{name} set the password or authenticator of someone who set yours"
    common = sorted(set(set_mine) & set(set_theirs))
    if not common:
        return f"one person set, through other accounts, the password or authenticator of both you and {name}"
    setter = _name(get_user_model().objects.get(pk=common[0]))
    yours, others = _what(set_mine[common[0]]), _what(set_theirs[common[0]])
    both = (
        f"the {yours} of both you and {name}"
        if yours == others
        else f"your {yours} and the {others} of {name}"
    )
    return f"{setter} set {both}"


@dataclass(frozen=True)
class Standing:
    """Where a person stands on one request: `authority` to decide there at all, and the two-person refusal
    that stops them (None: none)."""

    authority: bool
    refusal: str | None = None

    @property
    def may_decide(self) -> bool:
        return self.authority and self.refusal is None


def standing(
    actor: Actor,
    action: str,
    school_id: int,
    parties: Iterable[Any],
    asked_at: datetime,
    *,
    clause: str,
    escalated: bool = False,
) -> Standing:
    """`action` at the school, or the DPO on a re-routed request (or one `escalated` to the DPO because no
    Headteacher-level decider is available: people/deciders.py); then the two-person rule."""
    parties = [p for p in parties if p is not None]
    at_school = can(actor, action, school_id)
    to_dpo = escalated or is_rerouted(parties, asked_at)
    as_dpo = not at_school and can(actor, REROUTED, None) and to_dpo
    if not (at_school or as_dpo):
        return Standing(False)
    # Only a person holds authority (SYSTEM and the anonymous hold none), so only a person gets here.
    if is_person(actor) and awaiting_invitation(actor):
        return Standing(
            True,
            f"{clause}: you have not yet used your invitation to set your own password and authenticator, "
            "so your account decides nothing until you have",
        )
    why = link(actor, parties, asked_at) if is_person(actor) else None
    if why is None:
        return Standing(True)
    others = (
        "another Data Protection Officer, or a Headteacher-level person of the school it does not touch,"
        if as_dpo
        else "another Headteacher-level person of the school or the DPO"
    )
    return Standing(
        True,
        f"{clause}: {why}, so {others} must decide — an account is not yet its holder's own until they have "
        "changed its password and set up a new authenticator themselves",
    )


@enforces("9.2", "9.5")
def decider_problems(
    actor: Actor, action: str, school_id: int, parties: Iterable[Any], asked_at: datetime, *, clause: str
) -> list[str]:
    """For a decision service, in place of require(actor, action, school): PermissionDenied without
    authority; otherwise the two-person refusal, if any, as a list of problems."""
    found = standing(actor, action, school_id, parties, asked_at, clause=clause)
    if not found.authority:
        raise PermissionDenied(not_permitted(action))
    return [found.refusal] if found.refusal else []
