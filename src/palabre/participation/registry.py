"""Contribution models register here so that moderation and publication reach them all.

Comments and follows attach to any registered contribution (a proposal, an opinion…);
a model that is not a contribution (a step, an event) may accept them too through
``register_target``.
"""

from __future__ import annotations

_models: list = []
_targets: list = []


def register(model):
    if model not in _models:
        _models.append(model)
    return model


def models() -> list:
    return list(_models)


def register_target(model):
    """Accept comments and follows on ``model`` although it is not a contribution."""
    if model not in _targets:
        _targets.append(model)
    return model


def is_target(model) -> bool:
    """May one comment on and follow objects of ``model``? (Not on comments themselves.)"""
    from .models import Comment

    return model is not Comment and (model in _models or model in _targets)
