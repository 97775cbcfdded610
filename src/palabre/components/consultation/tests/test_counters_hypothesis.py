"""Every stored counter equals the count of the rows it caches (DESIGN.md, invariants)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palabre.components.consultation import services
from palabre.components.consultation.models import (
    Argument,
    ArgumentVote,
    Opinion,
    OpinionVote,
    Section,
    Source,
    SourceVote,
    Version,
    VersionVote,
)

from .conftest import (
    ArgumentFactory,
    OpinionFactory,
    SectionFactory,
    SourceFactory,
    VersionFactory,
    verified_user,
)

pytestmark = pytest.mark.django_db

USERS = 4
VALUES = ["ok", "mitigated", "nok", None]  # None: withdraw

ACTIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("opinion"),
            st.integers(0, USERS - 1),
            st.integers(0, 2),
            st.sampled_from(VALUES),
        ),
        st.tuples(
            st.just("version"),
            st.integers(0, USERS - 1),
            st.integers(0, 0),
            st.sampled_from(VALUES),
        ),
        st.tuples(st.just("argument"), st.integers(0, USERS - 1), st.integers(0, 2), st.booleans()),
        st.tuples(st.just("source"), st.integers(0, USERS - 1), st.integers(0, 0), st.booleans()),
    ),
    max_size=30,
)


def _seed():
    agree = SectionFactory(vote_widget="agree")
    simple = SectionFactory(consultation=agree.consultation, vote_widget="simple")
    opinions = [OpinionFactory(section=agree), OpinionFactory(section=agree)]
    opinions.append(OpinionFactory(section=simple))
    versions = [VersionFactory(opinion=opinions[0])]
    arguments = [
        ArgumentFactory(opinion=opinions[0], kind="for"),
        ArgumentFactory(opinion=opinions[0], kind="against"),
        ArgumentFactory(version=versions[0], opinion=None),
    ]
    sources = [SourceFactory(opinion=opinions[1])]
    users = [verified_user() for _ in range(USERS)]
    return {
        "opinion": opinions,
        "version": versions,
        "argument": arguments,
        "source": sources,
        "users": users,
    }


def _apply(data, expected, action) -> None:
    kind, i, j, arg = action
    user, target = data["users"][i], data[kind][j]
    if kind in ("opinion", "version"):
        simple = (target.section if kind == "opinion" else target.opinion.section).vote_widget
        service = services.opinion_vote if kind == "opinion" else services.version_vote
        try:
            service(user=user, **{kind: target, "value": arg})
        except ValidationError:
            assert simple == "simple" and arg in ("mitigated", "nok")
            return
        if arg is None:
            expected.pop((kind, j, i), None)
        else:
            expected[(kind, j, i)] = arg
    else:
        service = services.argument_vote if kind == "argument" else services.source_vote
        assert service(user=user, **{kind: target, "on": arg}) is arg
        if arg:
            expected[(kind, j, i)] = "on"
        else:
            expected.pop((kind, j, i), None)


def _check(data, expected) -> None:
    value_fields = {"ok": "votes_ok", "mitigated": "votes_mitigated", "nok": "votes_nok"}
    for kind, model, vote_model in (
        ("opinion", Opinion, OpinionVote),
        ("version", Version, VersionVote),
    ):
        for j, obj in enumerate(data[kind]):
            row = model.objects.get(pk=obj.pk)
            for value, field in value_fields.items():
                rows = vote_model.objects.filter(**{kind: obj, "value": value}).count()
                modelled = sum(
                    1 for (k, jj, _), v in expected.items() if (k, jj, v) == (kind, j, value)
                )
                assert getattr(row, field) == rows == modelled, (kind, j, field)
    for kind, model, vote_model in (
        ("argument", Argument, ArgumentVote),
        ("source", Source, SourceVote),
    ):
        for j, obj in enumerate(data[kind]):
            rows = vote_model.objects.filter(**{kind: obj}).count()
            modelled = sum(1 for (k, jj, _) in expected if (k, jj) == (kind, j))
            assert model.objects.get(pk=obj.pk).votes_count == rows == modelled, (kind, j)
    assert services.counters_recompute(fix=False) == []


def test_counters_equal_vote_rows_after_any_sequence():
    data = _seed()
    assert services.counters_recompute(fix=False) == []

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    @given(actions=ACTIONS)
    def run(actions):
        # Each example starts from the seeded state: its writes are rolled back at the end.
        with transaction.atomic():
            assert not OpinionVote.objects.exists() and not ArgumentVote.objects.exists()
            assert not VersionVote.objects.exists() and not SourceVote.objects.exists()
            expected: dict = {}
            for action in actions:
                _apply(data, expected, action)
            _check(data, expected)
            transaction.set_rollback(True)

    run()


def test_recompute_command_reports_then_fixes_drift():
    opinion = OpinionFactory()
    argument = ArgumentFactory(opinion=opinion)
    user = verified_user()
    services.opinion_vote(user=user, opinion=opinion, value="ok")
    services.argument_vote(user=user, argument=argument, on=True)
    call_command("recompute_counters", "--check", stdout=StringIO())  # clean: no error

    Opinion.objects.filter(pk=opinion.pk).update(votes_ok=7, arguments_for_count=0)
    Argument.objects.filter(pk=argument.pk).update(votes_count=3)
    Section.objects.filter(pk=opinion.section_id).update(opinions_count=9)

    out = StringIO()
    with pytest.raises(CommandError, match="drift"):
        call_command("recompute_counters", "--check", stdout=out)
    report = out.getvalue()
    assert f"Opinion #{opinion.pk} votes_ok: 7 ≠ 1" in report
    assert f"Opinion #{opinion.pk} arguments_for_count: 0 ≠ 1" in report
    assert f"Argument #{argument.pk} votes_count: 3 ≠ 1" in report
    assert f"Section #{opinion.section_id} opinions_count: 9 ≠ 1" in report
    assert Opinion.objects.get(pk=opinion.pk).votes_ok == 7  # --check fixes nothing

    out = StringIO()
    call_command("recompute_counters", stdout=out)
    assert "4 counter drift(s) fixed" in out.getvalue()
    opinion = Opinion.objects.get(pk=opinion.pk)
    assert (opinion.votes_ok, opinion.arguments_for_count) == (1, 1)
    assert Argument.objects.get(pk=argument.pk).votes_count == 1
    assert Section.objects.get(pk=opinion.section_id).opinions_count == 1
    call_command("recompute_counters", "--check", stdout=StringIO())
    assert services.counters_recompute(fix=False) == []


def test_deleting_an_account_withdraws_its_open_votes_and_keeps_closed_results(client):
    """DESIGN.md: deleting an account while a step's vote is open removes its votes in it
    and their count; closed steps keep their results (the rows stay, without the account)."""
    from django.urls import reverse

    from .conftest import close_step

    opinion = OpinionFactory()
    version = VersionFactory(opinion=opinion)
    argument = ArgumentFactory(opinion=opinion)
    on_version = SourceFactory(version=version, opinion=None)
    # Another consultation, whose step closes: one vote of each kind there.
    closed = OpinionFactory()
    closed_version = VersionFactory(opinion=closed)
    closed_argument = ArgumentFactory(opinion=closed)
    closed_source = SourceFactory(version=closed_version, opinion=None)
    leaving, staying = verified_user(), verified_user()
    for user in (leaving, staying):
        services.opinion_vote(user=user, opinion=opinion, value="ok")
        services.version_vote(user=user, version=version, value="nok")
        services.argument_vote(user=user, argument=argument, on=True)
        services.source_vote(user=user, source=on_version, on=True)
        services.opinion_vote(user=user, opinion=closed, value="mitigated")
        services.version_vote(user=user, version=closed_version, value="ok")
        services.argument_vote(user=user, argument=closed_argument, on=True)
        services.source_vote(user=user, source=closed_source, on=True)
    close_step(closed.section.consultation.step)

    administrator = verified_user(role="administrator", is_staff=True)
    client.force_login(administrator)
    response = client.post(reverse("admin:core_user_delete", args=[leaving.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not type(leaving).objects.filter(pk=leaving.pk).exists()

    # The open step: the leaving account's votes and their counts are gone.
    opinion = Opinion.objects.get(pk=opinion.pk)
    assert (opinion.votes_ok, OpinionVote.objects.filter(opinion=opinion).count()) == (1, 1)
    assert Version.objects.get(pk=version.pk).votes_nok == 1
    assert Argument.objects.get(pk=argument.pk).votes_count == 1
    assert Source.objects.get(pk=on_version.pk).votes_count == 1
    for model, fk, target in (
        (OpinionVote, "opinion", opinion),
        (VersionVote, "version", version),
        (ArgumentVote, "argument", argument),
        (SourceVote, "source", on_version),
    ):
        rows = model.objects.filter(**{fk: target})
        assert list(rows.values_list("user_id", flat=True)) == [staying.pk], model

    # The closed step: every row stays, the deleted account's without a user; counts unchanged.
    assert Opinion.objects.get(pk=closed.pk).votes_mitigated == 2
    assert Version.objects.get(pk=closed_version.pk).votes_ok == 2
    assert Argument.objects.get(pk=closed_argument.pk).votes_count == 2
    assert Source.objects.get(pk=closed_source.pk).votes_count == 2
    for model, fk, target in (
        (OpinionVote, "opinion", closed),
        (VersionVote, "version", closed_version),
        (ArgumentVote, "argument", closed_argument),
        (SourceVote, "source", closed_source),
    ):
        users = model.objects.filter(**{fk: target}).values_list("user_id", flat=True)
        assert sorted(users, key=lambda pk: pk or 0) == [None, staying.pk], model

    # No drift: the recompute command counts the kept rows (and changes nothing).
    assert services.counters_recompute(fix=False) == []
    out = StringIO()
    call_command("recompute_counters", "--check", stdout=out)
    assert "0 counter drift(s) found." in out.getvalue()
    assert Opinion.objects.get(pk=closed.pk).votes_mitigated == 2

    # The statistics of the closed consultation still count the kept votes (and no one for
    # the deleted account), and its pages render.
    from palabre.components.consultation import selectors

    stats = selectors.statistics(closed.section.consultation)
    assert stats["votes"] == 4
    assert client.get(closed.get_absolute_url()).status_code == 200
    assert client.get(closed_version.get_absolute_url()).status_code == 200
