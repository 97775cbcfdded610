"""Contribution models register here so that moderation and publication reach them all."""

from __future__ import annotations

_models: list = []


def register(model):
    if model not in _models:
        _models.append(model)
    return model


def models() -> list:
    return list(_models)
