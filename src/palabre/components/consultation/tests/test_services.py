"""Services and permissions of the consultation: who may write what, when, and what it counts."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from palabre.components.consultation import permissions, selectors, services
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
from palabre.components.consultation.services import Refused

from .conftest import (
    ArgumentFactory,
    OpinionFactory,
    SectionFactory,
    SourceFactory,
    VersionFactory,
    close_step,
    make_upcoming,
    unverified_user,
    verified_user,
)

pytestmark = pytest.mark.django_db


def _reason(excinfo) -> str:
    return " ".join(str(m) for m in excinfo.value.messages)


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- contributing only while the step is open -------------------------------------------------


def test_participant_proposes_in_open_step_and_section_counts_it(section, participant):
    opinion = services.opinion_create(
        author=participant, section=section, title="  Mon idée ", body="<p>Texte</p>"
    )
    assert opinion.published and opinion.published_at is not None
    assert opinion.title == "Mon idée"
    assert opinion.author == participant
    assert _fresh(section).opinions_count == 1


@pytest.mark.parametrize(
    ("move", "reason"),
    [(make_upcoming, "pas encore ouverte"), (close_step, "terminée")],
)
def test_contributions_refused_outside_the_open_phase(opinion, participant, move, reason):
    section = opinion.section
    move(section.consultation.step)
    attempts = [
        lambda: services.opinion_create(author=participant, section=section, title="T", body="B"),
        lambda: services.version_create(author=participant, opinion=opinion, title="T", body="B"),
        lambda: services.argument_create(author=participant, parent=opinion, kind="for", body="B"),
        lambda: services.source_create(
            author=participant, parent=opinion, title="T", link="https://a.fr", category="law"
        ),
        lambda: services.opinion_vote(user=participant, opinion=opinion, value="ok"),
    ]
    for attempt in attempts:
        with pytest.raises(Refused) as excinfo:
            attempt()
        assert reason in _reason(excinfo)
    assert Opinion.objects.count() == 1
    assert not Version.objects.exists()
    assert not Argument.objects.exists()
    assert not Source.objects.exists()
    assert not OpinionVote.objects.exists()
    assert reason in str(permissions.opinion_create(participant, section).reason)


def test_anonymous_visitor_is_refused_with_the_reason(section, opinion):
    anonymous = AnonymousUser()
    decision = permissions.opinion_create(anonymous, section)
    assert not decision
    assert "Connectez-vous" in str(decision.reason)
    with pytest.raises(Refused, match="Connectez-vous"):
        services.opinion_create(author=anonymous, section=section, title="T", body="B")
    with pytest.raises(Refused, match="Connectez-vous"):
        services.argument_create(author=anonymous, parent=opinion, kind="for", body="B")
    with pytest.raises(Refused, match="Connectez-vous"):
        services.opinion_vote(user=anonymous, opinion=opinion, value="ok")
    assert Opinion.objects.count() == 1


def test_organiser_only_section_refuses_participants_but_not_organisers(
    consultation, participant, organiser
):
    section = SectionFactory(consultation=consultation, authors=Section.Authors.ORGANISERS)
    with pytest.raises(Refused, match="seuls les organisateurs"):
        services.opinion_create(author=participant, section=section, title="T", body="B")
    assert not Opinion.objects.exists()
    opinion = services.opinion_create(author=organiser, section=section, title="T", body="B")
    assert opinion.published
    # Participants still debate the organisers' articles.
    argument = services.argument_create(author=participant, parent=opinion, kind="for", body="Oui")
    assert argument.published


@pytest.mark.parametrize(
    ("flag", "attempt", "reason"),
    [
        (
            "allow_versions",
            lambda u, o: services.version_create(author=u, opinion=o, title="T", body="B"),
            "amendements ne sont pas ouverts",
        ),
        (
            "allow_arguments",
            lambda u, o: services.argument_create(author=u, parent=o, kind="for", body="B"),
            "arguments ne sont pas ouverts",
        ),
        (
            "allow_sources",
            lambda u, o: services.source_create(
                author=u, parent=o, title="T", link="https://a.fr", category="law"
            ),
            "sources ne sont pas ouvertes",
        ),
    ],
)
def test_section_flags_close_versions_arguments_sources(
    opinion, participant, flag, attempt, reason
):
    attempt(participant, opinion)  # allowed while the flag is on
    Section.objects.filter(pk=opinion.section_id).update(**{flag: False})
    opinion = Opinion.objects.select_related("section__consultation__step").get(pk=opinion.pk)
    with pytest.raises(Refused, match=reason):
        attempt(participant, opinion)
    counts = (Version.objects.count(), Argument.objects.count(), Source.objects.count())
    assert sum(counts) == 1


def test_arguments_and_sources_on_a_version_count_on_the_version(opinion, participant):
    version = services.version_create(author=participant, opinion=opinion, title="V", body="B")
    services.argument_create(author=participant, parent=version, kind="against", body="Non")
    services.source_create(
        author=participant, parent=version, title="S", link="https://a.fr", category="data"
    )
    version, opinion = _fresh(version), _fresh(opinion)
    assert (version.arguments_against_count, version.sources_count) == (1, 1)
    assert (opinion.arguments_against_count, opinion.sources_count, opinion.versions_count) == (
        0,
        0,
        1,
    )


def test_invalid_input_is_refused_with_field_errors(opinion, participant):
    with pytest.raises(ValidationError) as excinfo:
        services.argument_create(author=participant, parent=opinion, kind="maybe", body="B")
    assert "kind" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.argument_create(author=participant, parent=opinion, kind="for", body="   ")
    assert "body" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.argument_create(author=participant, parent=opinion, kind="for", body="x" * 2001)
    assert "body" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.source_create(
            author=participant, parent=opinion, title="T", link="pas un lien", category="law"
        )
    assert "link" in excinfo.value.message_dict
    assert not Argument.objects.exists() and not Source.objects.exists()
    assert _fresh(opinion).arguments_for_count == 0


# --- publication on email confirmation ------------------------------------------------------


def _confirm_like_allauth(user) -> None:
    """What allauth's ``verify_email`` flow does: mark verified, then send the signal."""
    address = EmailAddress.objects.get(user=user)
    assert address.set_verified(commit=True)
    email_confirmed.send(
        sender=EmailAddress, request=RequestFactory().get("/"), email_address=address
    )


def test_unconfirmed_contributions_are_kept_unpublished_then_published_on_confirmation(
    opinion, participant
):
    newcomer = unverified_user(username="nouveau")
    mine = services.opinion_create(author=newcomer, section=opinion.section, title="T", body="B")
    version = services.version_create(author=newcomer, opinion=opinion, title="V", body="B")
    argument = services.argument_create(author=newcomer, parent=opinion, kind="for", body="Oui")
    source = services.source_create(
        author=newcomer, parent=opinion, title="S", link="https://a.fr", category="press"
    )
    for obj in (mine, version, argument, source):
        assert not obj.published and obj.published_at is None
        assert _fresh(obj).pk  # kept, not lost
    opinion, section = _fresh(opinion), _fresh(opinion.section)
    assert section.opinions_count == 1  # only the organiser's article
    assert (opinion.versions_count, opinion.arguments_for_count, opinion.sources_count) == (0, 0, 0)
    listed = selectors.section_opinions(section, sort="newest", seed=1)
    assert mine.pk not in {o.pk for o in listed}
    assert not selectors.arguments(opinion, "for").exists()
    # Someone else (confirmed) posts in the meantime: counters must not lose it later.
    services.argument_create(author=participant, parent=opinion, kind="for", body="Aussi")

    _confirm_like_allauth(newcomer)

    for obj in (mine, version, argument, source):
        obj = _fresh(obj)
        assert obj.published and obj.published_at is not None
    opinion, section = _fresh(opinion), _fresh(section)
    assert section.opinions_count == 2
    assert opinion.versions_count == 1
    assert opinion.arguments_for_count == 2
    assert opinion.sources_count == 1
    assert services.counters_recompute(fix=False) == []


def test_confirmation_through_allauth_view_publishes(client, opinion):
    from allauth.account.models import EmailConfirmationHMAC
    from django.urls import reverse

    newcomer = unverified_user(username="nouvelle")
    argument = services.argument_create(author=newcomer, parent=opinion, kind="against", body="N")
    assert not argument.published
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=newcomer)).key
    response = client.post(reverse("account_confirm_email", args=[key]))
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=newcomer).verified
    assert _fresh(argument).published
    assert _fresh(opinion).arguments_against_count == 1


def test_voting_requires_a_confirmed_email(opinion):
    newcomer = unverified_user(username="pas-confirme")
    decision = permissions.vote(newcomer, opinion.section)
    assert not decision and "Confirmez votre adresse" in str(decision.reason)
    with pytest.raises(Refused, match="Confirmez votre adresse"):
        services.opinion_vote(user=newcomer, opinion=opinion, value="ok")
    argument = ArgumentFactory(opinion=opinion)
    with pytest.raises(Refused, match="Confirmez votre adresse"):
        services.argument_vote(user=newcomer, argument=argument, on=True)
    assert not OpinionVote.objects.exists() and not ArgumentVote.objects.exists()
    assert _fresh(opinion).votes_total == 0 and _fresh(argument).votes_count == 0


# --- votes on opinions and versions ---------------------------------------------------------


def _counts(obj) -> tuple[int, int, int]:
    obj = _fresh(obj)
    return obj.votes_ok, obj.votes_mitigated, obj.votes_nok


def test_vote_cast_change_withdraw_on_an_opinion(opinion, participant, other):
    vote = services.opinion_vote(user=participant, opinion=opinion, value="mitigated")
    assert vote.value == "mitigated"
    services.opinion_vote(user=other, opinion=opinion, value="nok")
    assert _counts(opinion) == (0, 1, 1)

    services.opinion_vote(user=participant, opinion=opinion, value="ok")  # mitigé → d'accord
    assert _counts(opinion) == (1, 0, 1)
    assert OpinionVote.objects.get(user=participant).value == "ok"
    assert OpinionVote.objects.filter(opinion=opinion).count() == 2

    services.opinion_vote(user=participant, opinion=opinion, value="ok")  # same again: no-op
    assert _counts(opinion) == (1, 0, 1)

    assert services.opinion_vote(user=participant, opinion=opinion, value=None) is None
    assert _counts(opinion) == (0, 0, 1)
    assert not OpinionVote.objects.filter(user=participant).exists()
    services.opinion_vote(user=participant, opinion=opinion, value=None)  # nothing to withdraw
    assert _counts(opinion) == (0, 0, 1)
    assert services.counters_recompute(fix=False) == []


def test_vote_cast_change_withdraw_on_a_version(opinion, participant):
    version = VersionFactory(opinion=opinion)
    services.version_vote(user=participant, version=version, value="nok")
    assert _counts(version) == (0, 0, 1)
    services.version_vote(user=participant, version=version, value="mitigated")
    assert _counts(version) == (0, 1, 0)
    assert VersionVote.objects.get(user=participant).value == "mitigated"
    services.version_vote(user=participant, version=version, value=None)
    assert _counts(version) == (0, 0, 0)
    assert not VersionVote.objects.exists()
    assert _counts(opinion) == (0, 0, 0)  # the article's own counters are untouched


def test_unknown_vote_value_is_refused(opinion, participant):
    with pytest.raises(ValidationError, match="n'existe pas"):
        services.opinion_vote(user=participant, opinion=opinion, value="maybe")
    assert not OpinionVote.objects.exists()


def test_simple_widget_accepts_only_support(consultation, participant):
    section = SectionFactory(consultation=consultation, vote_widget="simple")
    opinion = OpinionFactory(section=section)
    for value in ("mitigated", "nok"):
        with pytest.raises(ValidationError, match="soutenir"):
            services.opinion_vote(user=participant, opinion=opinion, value=value)
    assert not OpinionVote.objects.exists()
    services.opinion_vote(user=participant, opinion=opinion, value="ok")
    assert _counts(opinion) == (1, 0, 0)
    services.opinion_vote(user=participant, opinion=opinion, value=None)
    assert _counts(opinion) == (0, 0, 0)


def test_no_vote_widget_refuses_votes(consultation, participant):
    section = SectionFactory(consultation=consultation, vote_widget="none")
    opinion = OpinionFactory(section=section)
    with pytest.raises(Refused, match="vote n'est pas ouvert"):
        services.opinion_vote(user=participant, opinion=opinion, value="ok")
    assert not OpinionVote.objects.exists()


def test_no_vote_on_unpublished_or_moderated_contributions(section, participant, moderator):
    from palabre.participation import services as participation

    pending = OpinionFactory(section=section, published=False, published_at=None)
    with pytest.raises(Refused, match="voter sur cette contribution"):
        services.opinion_vote(user=participant, opinion=pending, value="ok")
    hidden = OpinionFactory(section=section)
    participation.contribution_trash(actor=moderator, obj=hidden, reason="Hors sujet")
    with pytest.raises(Refused, match="voter sur cette contribution"):
        services.opinion_vote(user=participant, opinion=_fresh(hidden), value="ok")
    argument = ArgumentFactory(opinion=OpinionFactory(section=section))  # under a live opinion
    participation.contribution_trash(actor=moderator, obj=argument, reason="Injurieux")
    with pytest.raises(Refused, match="voter sur cette contribution"):
        services.argument_vote(user=participant, argument=_fresh(argument), on=True)
    assert not OpinionVote.objects.exists() and not ArgumentVote.objects.exists()


def test_no_debate_on_a_moderated_or_unpublished_contribution(section, participant, moderator):
    from palabre.participation import services as participation

    hidden = OpinionFactory(section=section)
    participation.contribution_trash(actor=moderator, obj=hidden, reason="Hors sujet")
    hidden = Opinion.objects.select_related("section__consultation__step").get(pk=hidden.pk)
    pending = OpinionFactory(section=section, published=False, published_at=None)
    for parent in (hidden, pending):
        assert not permissions.argument_create(participant, parent)
        with pytest.raises(Refused, match="pas ouverte au débat"):
            services.argument_create(author=participant, parent=parent, kind="for", body="B")
        with pytest.raises(Refused, match="pas ouverte au débat"):
            services.version_create(author=participant, opinion=parent, title="T", body="B")
        with pytest.raises(Refused, match="pas ouverte au débat"):
            services.source_create(
                author=participant, parent=parent, title="T", link="https://a.fr", category="law"
            )
    version = VersionFactory(opinion=hidden)
    with pytest.raises(Refused, match="pas ouverte au débat"):
        services.argument_create(author=participant, parent=version, kind="for", body="B")
    assert not Argument.objects.exists() and not Source.objects.exists()


# --- votes "utile" on arguments and sources (toggles) ----------------------------------------


def test_argument_and_source_votes_toggle(opinion, participant, other):
    argument = ArgumentFactory(opinion=opinion)
    source = SourceFactory(opinion=opinion)
    assert services.argument_vote(user=participant, argument=argument, on=True) is True
    services.argument_vote(user=participant, argument=argument, on=True)  # double click
    services.argument_vote(user=other, argument=argument, on=True)
    assert _fresh(argument).votes_count == 2
    assert ArgumentVote.objects.filter(argument=argument).count() == 2
    assert services.argument_vote(user=participant, argument=argument, on=False) is False
    services.argument_vote(user=participant, argument=argument, on=False)
    assert _fresh(argument).votes_count == 1
    assert list(ArgumentVote.objects.values_list("user", flat=True)) == [other.pk]

    services.source_vote(user=participant, source=source, on=True)
    assert _fresh(source).votes_count == 1
    services.source_vote(user=participant, source=source, on=False)
    assert _fresh(source).votes_count == 0
    assert not SourceVote.objects.exists()
    assert services.counters_recompute(fix=False) == []


# --- edits by the author ----------------------------------------------------------------------


def test_author_edits_while_open_and_others_cannot(section, participant, other):
    mine = services.opinion_create(author=participant, section=section, title="T", body="B")
    with pytest.raises(Refused, match="Seul·e l'auteur"):
        services.contribution_update(author=other, obj=mine, title="Piraté")
    services.contribution_update(author=participant, obj=mine, title="Nouveau titre")
    mine = _fresh(mine)
    assert mine.title == "Nouveau titre"
    assert not mine.edited_after_votes  # nobody had voted yet


def test_edit_after_votes_is_flagged_and_keeps_the_counters(section, participant, other):
    mine = services.opinion_create(author=participant, section=section, title="T", body="B")
    # ``mine`` is the in-memory object from before the vote: its counters are stale.
    services.opinion_vote(user=other, opinion=mine, value="nok")
    services.contribution_update(author=participant, obj=mine, body="<p>Corrigé</p>")
    mine = _fresh(mine)
    assert mine.body == "<p>Corrigé</p>"
    assert mine.edited_after_votes
    assert (mine.votes_ok, mine.votes_mitigated, mine.votes_nok) == (0, 0, 1)
    assert services.counters_recompute(fix=False) == []


def test_edit_of_an_argument_after_votes_is_flagged(opinion, participant, other):
    argument = services.argument_create(author=participant, parent=opinion, kind="for", body="A")
    services.argument_vote(user=other, argument=argument, on=True)
    services.contribution_update(author=participant, obj=argument, body="A, précisé")
    argument = _fresh(argument)
    assert argument.edited_after_votes and argument.votes_count == 1


def test_edit_cannot_touch_counters_or_ownership(section, participant):
    mine = services.opinion_create(author=participant, section=section, title="T", body="B")
    with pytest.raises((ValidationError, TypeError)):
        services.contribution_update(author=participant, obj=mine, votes_ok=1000)
    with pytest.raises((ValidationError, TypeError)):
        services.contribution_update(author=participant, obj=mine, published=False)
    mine = _fresh(mine)
    assert mine.votes_ok == 0 and mine.published


def test_edit_of_versions_and_sources_validates_like_creation(opinion, participant):
    version = services.version_create(author=participant, opinion=opinion, title="V", body="B")
    services.contribution_update(author=participant, obj=version, explanation="  ")
    assert _fresh(version).explanation == ""  # optional, may be emptied
    with pytest.raises(ValidationError) as excinfo:
        services.contribution_update(author=participant, obj=version, body=" ")
    assert "body" in excinfo.value.message_dict
    source = services.source_create(
        author=participant, parent=opinion, title="S", link="https://a.fr", category="law"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.contribution_update(author=participant, obj=source, link="pas un lien")
    assert "link" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.contribution_update(author=participant, obj=source, category="rumeur")
    services.contribution_update(author=participant, obj=source, link="https://b.fr", body="Vu")
    source = _fresh(source)
    assert (source.link, source.category, source.body) == ("https://b.fr", "law", "Vu")
    argument = services.argument_create(author=participant, parent=opinion, kind="for", body="A")
    with pytest.raises(TypeError):  # moving an argument to "contre" would skew both counters
        services.contribution_update(author=participant, obj=argument, kind="against")
    assert _fresh(opinion).arguments_for_count == 1


# --- after the step closes: readable, nothing writable ---------------------------------------


def test_closed_step_is_read_only_but_readable(section, opinion, participant, other):
    argument = services.argument_create(author=participant, parent=opinion, kind="for", body="A")
    source = services.source_create(
        author=participant, parent=opinion, title="S", link="https://a.fr", category="law"
    )
    version = services.version_create(author=participant, opinion=opinion, title="V", body="B")
    services.opinion_vote(user=other, opinion=opinion, value="ok")
    close_step(section.consultation.step)
    opinion = Opinion.objects.select_related("section__consultation__step").get(pk=opinion.pk)
    argument = Argument.objects.get(pk=argument.pk)
    version = Version.objects.get(pk=version.pk)
    source = Source.objects.get(pk=source.pk)

    writes = [
        lambda: services.opinion_vote(user=other, opinion=opinion, value="nok"),
        lambda: services.opinion_vote(user=other, opinion=opinion, value=None),
        lambda: services.version_vote(user=other, version=version, value="ok"),
        lambda: services.argument_vote(user=other, argument=argument, on=True),
        lambda: services.source_vote(user=other, source=source, on=True),
        lambda: services.contribution_update(author=participant, obj=argument, body="Changé"),
        lambda: services.contribution_update(author=participant, obj=version, title="Changé"),
        lambda: services.argument_create(author=participant, parent=opinion, kind="for", body="B"),
    ]
    for write in writes:
        with pytest.raises(Refused, match="terminée"):
            write()
    assert _counts(opinion) == (1, 0, 0)
    assert OpinionVote.objects.get().value == "ok"
    assert not ArgumentVote.objects.exists() and not SourceVote.objects.exists()
    assert _fresh(argument).body == "A" and _fresh(version).title == "V"

    step = opinion.section.consultation.step
    assert selectors.opinion_detail(step, opinion.pk) == opinion
    assert list(selectors.arguments(opinion, "for")) == [argument]
    assert list(selectors.sources(opinion)) == [source]
    assert list(selectors.versions(opinion)) == [version]
    assert selectors.my_values(other, OpinionVote, "opinion", [opinion]) == {opinion.pk: "ok"}


def test_verified_user_helper_is_really_verified():
    # Guards the fixtures the other tests rely on.
    assert EmailAddress.objects.filter(user=verified_user(), verified=True).exists()
    assert not EmailAddress.objects.filter(user=unverified_user(), verified=True).exists()


def test_no_useful_vote_under_a_moderated_parent_nor_vote_on_its_amendments(
    opinion, participant, moderator
):
    from palabre.participation import services as participation

    argument = ArgumentFactory(opinion=opinion)
    source = SourceFactory(opinion=opinion)
    version = VersionFactory(opinion=opinion)
    on_version = ArgumentFactory(version=version, opinion=None)
    participation.contribution_trash(actor=moderator, obj=opinion, reason="Hors sujet")
    opinion = Opinion.objects.select_related("section__consultation__step").get(pk=opinion.pk)
    writes = [
        lambda: services.argument_vote(user=participant, argument=_fresh(argument), on=True),
        lambda: services.source_vote(user=participant, source=_fresh(source), on=True),
        lambda: services.argument_vote(user=participant, argument=_fresh(on_version), on=True),
        lambda: services.version_vote(user=participant, version=_fresh(version), value="ok"),
    ]
    for write in writes:
        with pytest.raises(Refused):
            write()
    assert not ArgumentVote.objects.exists() and not SourceVote.objects.exists()
    assert not VersionVote.objects.exists()
    assert services.counters_recompute(fix=False) == []


def test_comments_only_on_opinions(opinion, participant):
    """Amendments, arguments and sources show no comments: none is stored on them, open step
    or closed (they have no ``comments_allowed`` of their own otherwise)."""
    from palabre.participation import services as participation
    from palabre.participation.models import Comment

    version = VersionFactory(opinion=opinion)
    for target in (version, ArgumentFactory(opinion=opinion), SourceFactory(opinion=opinion)):
        with pytest.raises(ValidationError, match="pas ouvert aux commentaires"):
            participation.comment_create(author=participant, target=target, body="Bonjour")
    close_step(opinion.section.consultation.step)
    with pytest.raises(ValidationError):
        participation.comment_create(author=participant, target=_fresh(version), body="Tard")
    assert not Comment.objects.exists()
    # Opinions still take comments while the step is open (checked in participation's tests).
