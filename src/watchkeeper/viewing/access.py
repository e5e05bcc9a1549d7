"""Which viewing requests a person may read or decide (9.2). The request pages use these, and so does
every page that links to a request, so that no page offers a link its reader may not open (issue 15)."""

from __future__ import annotations

from django.db.models import QuerySet

from watchkeeper.core.actors import Actor
from watchkeeper.core.permissions import restrict
from watchkeeper.people.reroutings import rerouted_authorisations
from watchkeeper.viewing import services
from watchkeeper.viewing.models import ViewingAuthorisation

AUTHORISATIONS = ViewingAuthorisation.objects.select_related("school", "requested_by", "decided_by")


def readable(user: Actor) -> QuerySet[ViewingAuthorisation]:
    """Requests this person may read: their own, and those of schools where they decide."""
    own = restrict(AUTHORISATIONS, user, services.REQUEST).filter(requested_by_id=user.pk)
    return decidable(user) | own


def decidable(user: Actor) -> QuerySet[ViewingAuthorisation]:
    """The school's deciders', and for the DPO the requests re-routed by the two-person rule (9.2)."""
    return restrict(AUTHORISATIONS, user, services.DECIDE) | AUTHORISATIONS.filter(
        pk__in=rerouted_authorisations(user)
    )
