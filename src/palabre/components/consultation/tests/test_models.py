"""The consultation's models: the vote models' shared base, and no import of permissions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from palabre.components.consultation import models
from palabre.components.consultation.models import (
    ArgumentVote,
    OpinionVote,
    SourceVote,
    ValueVote,
    VersionVote,
    Vote,
    VoteValue,
)

from .conftest import ArgumentFactory, SourceFactory, VersionFactory

pytestmark = pytest.mark.django_db


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it, as an absolute dotted name."""
    package = "palabre.components.consultation"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # ``from .x import y``, ``from . import y`` (within the package)
                base = ".".join([package, *filter(None, [base])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_the_models_do_not_import_the_permissions():
    """``permissions`` imports the models, never the reverse (not even inside a method)."""
    imported = _imported_modules(Path(models.__file__))
    assert "palabre.components.consultation.permissions" not in imported
    assert "palabre.components.consultation.models" in _imported_modules(
        Path(models.__file__).with_name("permissions.py")
    )


def test_the_four_vote_models_share_one_base(opinion, participant):
    version = VersionFactory(opinion=opinion)
    argument = ArgumentFactory(opinion=opinion)
    source = SourceFactory(opinion=opinion)
    votes = [
        OpinionVote.objects.create(opinion=opinion, user=participant, value=VoteValue.OK),
        VersionVote.objects.create(version=version, user=participant, value=VoteValue.NOK),
        ArgumentVote.objects.create(argument=argument, user=participant),
        SourceVote.objects.create(source=source, user=participant),
    ]
    targets = [opinion, version, argument, source]
    for vote, target in zip(votes, targets, strict=True):
        assert isinstance(vote, Vote)
        assert str(vote) == f"{participant.pk} → {target.pk}"
        names = {f.name for f in type(vote)._meta.get_fields()}
        assert {"user", "created_at", vote.target_field} <= names
        assert vote.created_at is not None
    assert [isinstance(v, ValueVote) for v in votes] == [True, True, False, False]
    assert Vote._meta.abstract and ValueVote._meta.abstract
