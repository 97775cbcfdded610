"""Rate limits that hold across processes: counted in the shared ("default") cache.

Sign-ups and logins are limited by allauth (``ACCOUNT_RATE_LIMITS``, same cache). Votes are
limited here, per participant: ``VOTE_RATE_LIMIT`` votes (cast or taken back, every step and
kind together) per period, generous for a person, a brake for a script. A fixed window: the
counter of the current period, one cache round trip per vote with Redis.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render
from django.utils.translation import ngettext

from .cache import count


def now() -> float:
    """The clock of the windows (tests move it)."""
    return time.time()


@dataclass(frozen=True)
class Refusal:
    """Over the limit: what to tell the participant, and when to try again."""

    message: str
    retry_after: int  # seconds


def _hit(scope: str, ident, rate: tuple[int, int] | None) -> int | None:
    """Count one action; the seconds until the current period ends when over ``rate``."""
    if not rate:
        return None
    amount, seconds = rate
    moment = now()
    window = int(moment // seconds)
    key = f"ratelimit:{scope}:{seconds}:{window}:{ident}"
    if count(caches["default"], key, seconds + 1) <= amount:
        return None
    return max(1, math.ceil((window + 1) * seconds - moment))


def vote(user) -> Refusal | None:
    """Count a vote of ``user`` (authenticated); a refusal when over ``VOTE_RATE_LIMIT``."""
    retry_after = _hit("vote", user.pk, settings.VOTE_RATE_LIMIT)
    if retry_after is None:
        return None
    message = ngettext(
        "Vous avez voté de nombreuses fois en peu de temps : vous pourrez voter de nouveau "
        "dans %(seconds)d seconde.",
        "Vous avez voté de nombreuses fois en peu de temps : vous pourrez voter de nouveau "
        "dans %(seconds)d secondes.",
        retry_after,
    ) % {"seconds": retry_after}
    return Refusal(message=message, retry_after=retry_after)


def too_many(request, refusal: Refusal, *, back: str):
    """The page that says why (HTTP 429), with a link back to where the participant was."""
    response = render(request, "429.html", {"message": refusal.message, "back": back}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response
