"""Amounts and counts as the participant's language writes them ("12 400 €", "€12,400")."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _


def euros(amount: int | None) -> str:
    """An amount in euros, grouped by the active language's thousands separator."""
    number = formats.number_format(int(amount or 0), decimal_pos=0, force_grouping=True)
    # Translators: an amount in euros; English puts the sign first ("€12,400").
    return _("%(amount)s €") % {"amount": number}  # a no-break space before €
