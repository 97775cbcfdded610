"""When results come is said once (``permissions.results_when``): the vote's rules on the
step's page and the « Résultats » tab say the same sentence, the date and time in words, and
never « le . » when the organiser has not set the date yet."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format

from palabre.components.selection import permissions

from .conftest import close, make_selection

pytestmark = pytest.mark.django_db


def _results_url(selection) -> str:
    step = selection.step
    return reverse("selection:results", args=[step.project.slug, step.slug])


def _rules(client, selection) -> str:
    """The text of the vote's rules on the step's page."""
    html = client.get(selection.step.get_absolute_url()).content.decode()
    match = re.search(r'<section class="vote-rules".*?</section>', html, re.S)
    assert match, "the step's page shows the vote's rules"
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", match.group(0)))


def _pending(client, selection) -> str:
    """The text of the « Résultats » tab's explanation (results not visible yet)."""
    response = client.get(_results_url(selection))
    assert response.status_code == 200
    match = re.search(r'<div class="results-pending">.*?</div>', response.content.decode(), re.S)
    assert match, "the results tab explains when results come"
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", match.group(0)))


def _in_words(moment) -> str:
    moment = timezone.localtime(moment)
    return f"{date_format(moment, 'DATE_FORMAT')} à {time_format(moment, 'TIME_FORMAT')}"


def test_a_results_date_not_set_yet_is_said_in_both_places_never_le_point(client):
    selection = make_selection(vote_type="simple", results_visibility="date", results_at=None)
    expected = "La date de publication des résultats n'est pas encore fixée."
    rules, pending = _rules(client, selection), _pending(client, selection)
    for text in (rules, pending):
        assert expected in text
        assert "le ." not in text and "le  ." not in text
        assert "publiés le" not in text


def test_a_results_date_is_said_in_words_in_both_places(client):
    at = timezone.now().replace(microsecond=0) + timedelta(days=7)
    selection = make_selection(vote_type="simple", results_visibility="date", results_at=at)
    sentence = f"Les résultats seront publiés le {_in_words(at)}."
    assert re.search(r" [a-zéû]{4,} 20\d\d à ", sentence), f"a month in words: {sentence}"
    assert sentence in _rules(client, selection)
    assert sentence in _pending(client, selection)
    assert permissions.results_when(selection) == sentence


def test_results_at_the_end_of_the_vote_say_when_it_closes_in_both_places(client):
    selection = make_selection(vote_type="simple", results_visibility="end")
    sentence = (
        f"Les résultats seront publiés à la fin du vote, le {_in_words(selection.step.ends_at)}."
    )
    assert sentence in _rules(client, selection)
    assert sentence in _pending(client, selection)


def test_results_already_due_are_not_announced_in_the_future():
    past = timezone.now() - timedelta(days=1)
    by_date = make_selection(vote_type="simple", results_visibility="date", results_at=past)
    assert permissions.results_when(by_date) == (
        f"Les résultats sont publiés depuis le {_in_words(past)}."
    )
    at_end = make_selection(vote_type="simple", results_visibility="end")
    close(at_end)
    assert permissions.results_when(at_end) == "Les résultats sont publiés : le vote est terminé."
    live = make_selection(vote_type="simple", results_visibility="live")
    assert permissions.results_when(live) == "Les résultats sont visibles en direct."


def test_the_sentence_in_english_puts_the_time_first_and_ends_with_a_period(client, settings):
    at = timezone.now().replace(microsecond=0) + timedelta(days=7)
    selection = make_selection(vote_type="simple", results_visibility="date", results_at=at)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        local = timezone.localtime(at)
        date, time = date_format(local, "DATE_FORMAT"), time_format(local, "TIME_FORMAT")
    sentence = f"Results will be published at {time} on {date}."
    assert sentence in _rules(client, selection)
    assert sentence in _pending(client, selection)
