"""Contribution models register here so that moderation and publication reach them all.

Comments and follows attach to any registered contribution (a proposal, an opinion…);
a model that is not a contribution (a step, an event) may accept them too through
``register_target``.
"""

from __future__ import annotations

_models: list = []
_targets: list = []


def _watch_deletions(model) -> None:
    from django.db.models.signals import post_delete

    from .signals import forget_what_was_attached

    post_delete.connect(
        forget_what_was_attached,
        sender=model,
        dispatch_uid=f"participation.forget_what_was_attached.{model._meta.label}",
    )


def register(model):
    if model not in _models:
        _models.append(model)
        _watch_deletions(model)
    return model


def models() -> list:
    return list(_models)


def register_target(model):
    """Accept comments and follows on ``model`` although it is not a contribution."""
    if model not in _targets:
        _targets.append(model)
        _watch_deletions(model)
    return model


def is_target(model) -> bool:
    """May one comment on and follow objects of ``model``? (Not on comments themselves.)"""
    from .models import Comment

    return model is not Comment and (model in _models or model in _targets)
