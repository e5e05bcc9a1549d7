"""The misuse rules (16; design/misuse.md): pure functions over audit events and CCTV log rows, no I/O, the
clock passed in. Each rule's docstring states its formula; the alert page shows it (`formula(rule)`), so the
DPO sees exactly why an alert was raised. A rule finds things worth a look, never a finding of misuse.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

# Footage seen: played or watched live. Footage taken: a stored package fetched.
VIEW_ACTIONS = frozenset({"viewing.segment_served", "viewing.live_started"})
FETCH = "evidence.copy_fetched"
ACCESS_ACTIONS = VIEW_ACTIONS | {FETCH}
# Refusals that are a decider's decision about someone else's request, not a refusal of the actor.
DECISIONS = frozenset({"evidence.download_refused", "disclosures.request_refused"})


@dataclass(frozen=True)
class Event:
    """What a rule needs of one audit event."""

    at: datetime
    actor_id: int | None
    school_id: int | None
    action: str
    object_id: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CopyRow:
    """What rule (e) needs of one CCTV log row (evidence.Download)."""

    pk: int
    school_id: int
    fetched_by_id: int | None
    fetched_at: datetime | None
    viewed_at: datetime | None


@dataclass(frozen=True)
class Thresholds:
    """Per-trust numbers (MisuseSettings), with these defaults."""

    spike_factor: float = 3.0  # k of rule (b)
    spike_floor: int = 20  # the absolute floor of rule (b)
    refusals_per_day: int = 5  # r of rule (c)
    unviewed_days: int = 14  # d of rule (e)
    fetch_addresses: int = 2  # a of rule (f)


@dataclass(frozen=True)
class Hit:
    """One thing a rule found: about whom, where, a key that names it across runs, and the figures."""

    rule: str
    subject_id: int
    school_id: int | None
    key: str
    summary: str
    figures: dict[str, Any] = field(default_factory=dict)


# weekday (0 = Monday) -> (opens, closes), local time; a weekday that is missing is a closed day.
Hours = Mapping[int, tuple[time, time]]
DEFAULT_HOURS: dict[int, tuple[time, time]] = {day: (time(7, 30), time(18, 0)) for day in range(5)}


def out_of_hours(events: Iterable[Event], hours: Mapping[int, Hours]) -> list[Hit]:
    """(a) Footage viewed or watched live outside the school's hours.
    Fires for a person, school and day when a viewing event's local time t (Europe/London) has
    t < opens or t >= closes for that weekday in the school's calendar, or the day is closed.
    A school without a calendar has Monday to Friday 07:30 to 18:00."""
    found: dict[str, Hit] = {}
    for ev in events:
        if ev.action not in VIEW_ACTIONS or ev.actor_id is None or ev.school_id is None:
            continue
        local = ev.at.astimezone(LONDON)
        span = hours.get(ev.school_id, DEFAULT_HOURS).get(local.weekday())
        if span is not None and span[0] <= local.time() < span[1]:
            continue
        key = f"a:{ev.actor_id}:{ev.school_id}:{local.date().isoformat()}"
        if key not in found:
            words = f"Footage seen at {local:%H:%M} on {local:%d/%m/%Y}, outside the school's hours"
            found[key] = Hit("a", ev.actor_id, ev.school_id, key, words, {"first_at": local.isoformat()})
    return list(found.values())


def _week_counts(events: Iterable[Event], now: datetime, weeks: int) -> dict[int, list[int]]:
    """Per person: footage accesses in each of the `weeks` seven-day spans ending at `now`, newest first."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * weeks)
    for ev in events:
        if ev.action not in ACCESS_ACTIONS or ev.actor_id is None or ev.at >= now:
            continue
        index = int((now - ev.at) / timedelta(days=7))
        if index < weeks:
            counts[ev.actor_id][index] += 1
    return counts


def volume_spike(events: Iterable[Event], now: datetime, t: Thresholds) -> list[Hit]:
    """(b) A person viewing or downloading much more footage than they usually do.
    n = footage played, watched live or fetched by the person in the 7 days before the run;
    m = the median of the same count over each of the 8 weeks before that.
    Fires when n > k x m and n > floor (k and floor: the trust's settings)."""
    hits = []
    for actor, weeks in _week_counts(events, now, 9).items():
        n, median = weeks[0], statistics.median(weeks[1:])
        if n > t.spike_factor * median and n > t.spike_floor:
            key = f"b:{actor}:{(now - timedelta(days=7)).date().isoformat()}"
            words = f"{n} footage views or downloads in a week; usually {median:g} a week"
            hits.append(Hit("b", actor, None, key, words, {"n": n, "median": median, "weeks": weeks}))
    return hits


def repeated_refusals(events: Iterable[Event], t: Thresholds) -> list[Hit]:
    """(c) Repeated refusals in a day.
    Fires for a person and local day (Europe/London) with r or more refusals of that person (actions
    ending in "_refused": footage, live view, wrong authenticator codes; not a decider's refusal of a
    request); r: the trust's settings."""
    counts: dict[tuple[int, date], list[Event]] = defaultdict(list)
    for ev in events:
        if ev.action.endswith("_refused") and ev.action not in DECISIONS and ev.actor_id is not None:
            counts[(ev.actor_id, ev.at.astimezone(LONDON).date())].append(ev)
    hits = []
    for (actor, day), found in counts.items():
        if len(found) >= t.refusals_per_day:
            words = f"{len(found)} refusals on {day:%d/%m/%Y}"
            school = found[-1].school_id
            hits.append(Hit("c", actor, school, f"c:{actor}:{day.isoformat()}", words, {"n": len(found)}))
    return hits


def own_interest(events: Iterable[Event], interested: Mapping[int, frozenset[int]]) -> list[Hit]:
    """(d) A reviewer viewing footage of a request they made themselves or of a case in which they are named.
    Fires when a footage play's authorisation A has the viewer among interested(A): the staff named as
    involved in A, and the member of staff whose own subject access request A reviews."""
    found: dict[str, Hit] = {}
    for ev in events:
        auth = ev.details.get("authorisation")
        if ev.action not in VIEW_ACTIONS or ev.actor_id is None or not isinstance(auth, int):
            continue
        if ev.actor_id in interested.get(auth, frozenset()):
            key = f"d:{ev.actor_id}:{auth}"
            words = (
                f"Viewed footage of viewing authorisation {auth}, in which they are named or the requester"
            )
            found.setdefault(key, Hit("d", ev.actor_id, ev.school_id, key, words, {"authorisation": auth}))
    return list(found.values())


def unviewed_downloads(rows: Iterable[CopyRow], now: datetime, t: Thresholds) -> list[Hit]:
    """(e) Downloads never marked viewed.
    Fires for a CCTV log row fetched at f with no time viewed recorded (Appendix I) when now - f > d days
    (d: the trust's settings)."""
    hits = []
    for row in rows:
        if row.fetched_at is None or row.viewed_at is not None or row.fetched_by_id is None:
            continue
        if now - row.fetched_at > timedelta(days=t.unviewed_days):
            day = row.fetched_at.astimezone(LONDON)
            words = f"Copy {row.pk} downloaded on {day:%d/%m/%Y}, never marked viewed"
            hits.append(
                Hit("e", row.fetched_by_id, row.school_id, f"e:{row.pk}", words, {"download": row.pk})
            )
    return hits


def several_addresses(fetches: Iterable[tuple[Event, str]], t: Thresholds) -> list[Hit]:
    """(f) One package fetched from several addresses.
    Fires for a stored package fetched from a or more distinct network addresses (the address recorded
    with the fetch, otherwise that of the fetcher's latest sign-in before it); a: the trust's settings."""
    seen: dict[str, list[tuple[Event, str]]] = defaultdict(list)
    for ev, address in fetches:
        if ev.action == FETCH and address and ev.actor_id is not None:
            seen[ev.object_id].append((ev, address))
    hits = []
    for package, found in seen.items():
        addresses = sorted({address for _, address in found})
        if len(addresses) >= t.fetch_addresses:
            last = max(found, key=lambda pair: pair[0].at)[0]
            words = f"Copy {package} fetched from {len(addresses)} different addresses"
            figures = {"download": package, "addresses": addresses}
            hits.append(Hit("f", last.actor_id or 0, last.school_id, f"f:{package}", words, figures))
    return hits


RULES: dict[str, Callable[..., list[Hit]]] = {
    "a": out_of_hours,
    "b": volume_spike,
    "c": repeated_refusals,
    "d": own_interest,
    "e": unviewed_downloads,
    "f": several_addresses,
}


def title(rule: str) -> str:
    """The rule's name in plain words: the first line of its docstring, without the letter."""
    return (RULES[rule].__doc__ or "").splitlines()[0].split(") ", 1)[1]


def formula(rule: str) -> str:
    """The rule's formula as the alert page shows it: its docstring after the first line."""
    lines = (RULES[rule].__doc__ or "").splitlines()[1:]
    return " ".join(line.strip() for line in lines).strip()
