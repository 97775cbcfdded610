"""Vote-counting rules, as plain functions of plain data (tested against pabutools)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    key: int
    cost: int
    votes: int
    order: int = 0  # tie-break: lower first (the proposal's number)


def greedy_funded(items: Iterable[Item], budget: int) -> tuple[list[int], int]:
    """The budget rule of Warsaw and most cities: (funded keys in order, total spent).

    Proposals are taken in decreasing order of votes (ties: lower ``order`` first); each is
    funded if its cost still fits in what remains of the budget, otherwise skipped, and the
    next ones, cheaper perhaps, are still considered. A proposal without votes is not funded.
    """
    remaining = budget
    funded: list[int] = []
    for item in sorted(items, key=lambda i: (-i.votes, i.order, i.key)):
        if item.votes <= 0:
            break
        if item.cost <= remaining:
            funded.append(item.key)
            remaining -= item.cost
    return funded, budget - remaining
