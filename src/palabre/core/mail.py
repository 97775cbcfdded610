"""Who Palabre's emails come from: the organisation, at the operator's address."""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings

from .selectors import organisation_context


def organisation_name() -> str:
    """The organisation's name on one line (it names the site in emails and their sender)."""
    return " ".join(str(organisation_context()["organisation"].name).split())


def sender() -> str:
    """The ``From`` of every email: « Ville de Démoville <noreply@…> ».

    The address is ``DEFAULT_FROM_EMAIL``'s; the display name is the organisation's, unless the
    operator wrote one in ``DEFAULT_FROM_EMAIL`` (« Mairie <mairie@…> »), which is kept.
    """
    configured = settings.DEFAULT_FROM_EMAIL
    display_name, address = parseaddr(configured)
    if display_name or not address:
        return configured
    name = organisation_name()
    if not name:
        return configured
    # Address quotes what needs quoting (a comma, quotes, angle brackets); Django encodes the
    # non-ASCII characters of the header when it sends the message.
    return str(Address(display_name=name, addr_spec=address))
