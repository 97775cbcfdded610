"""The logged-in participant of the page benchmarks (``--logged-in`` of bench/collect.py and
bench/consultation.py).

``participant(...)`` runs ``SEED`` in ``manage.py shell`` on the benchmark's database: one
participant with a verified address, made realistic through the services (votes, follows, a
few drafts, comments) plus notifications waiting for the digest; then a real session through
Django's public test client (``Client.force_login``: ``django.contrib.auth.login`` on a request,
the configured ``SessionStore``, the user's auth hash), and a first GET of each measured page
with that session so that the CSRF cookie is set as a browser would hold it. It returns the
``Cookie`` header wrk and the SQL probe send with every request.
"""

from __future__ import annotations

import json

import run as foundation
from steppages import json_line

# Env: BENCH_KIND ("collect" | "consultation"), BENCH_PROJECT, BENCH_STEP, BENCH_TARGET (the
# proposal or opinion measured), BENCH_SECTION (consultation), BENCH_PATHS (pages to warm).
SEED = r"""
import json, os, random
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from palabre.core.models import Project, Step, User
from palabre.participation import services as participation
from palabre.participation.models import Follow, Notification

rng = random.Random(14)
kind = os.environ["BENCH_KIND"]
project = Project.objects.get(slug=os.environ["BENCH_PROJECT"])
step = Step.objects.get(project=project, slug=os.environ["BENCH_STEP"])
user = User.objects.create_user(
    username=f"participante-{kind}", email=f"participante-{kind}@example.org", password=None
)
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
done = {"votes": 0, "follows": 0, "drafts": 0, "comments": 0, "notifications": 0}
targets = []

if kind == "collect":
    from palabre.components.collect import services as collect_services
    from palabre.components.collect.models import Proposal

    collect = step.collect
    measured = Proposal.objects.get(pk=int(os.environ["BENCH_TARGET"]))
    others = list(
        Proposal.objects.filter(collect=collect, published=True)
        .exclude(pk=measured.pk).order_by("?")[:24]
    )
    targets = [measured, *others]
    for i in range(3):  # a few drafts in this step: the list page shows them
        data = QueryDict(mutable=True)
        data["title"] = f"Brouillon {i + 1} : un abri à vélos couvert près de l'école"
        data["summary"] = "Encore à compléter avant le dépôt."
        collect_services.draft_save(author=user, collect=collect, data=data)
        done["drafts"] += 1
    for proposal in targets[:3]:
        participation.comment_create(
            author=user, target=proposal,
            body="Je soutiens cette idée, à condition de garder les arbres du square.",
        )
        done["comments"] += 1
else:
    from palabre.components.consultation import services as consultation_services
    from palabre.components.consultation.models import Argument, Opinion, Source, Version

    section_slug = os.environ["BENCH_SECTION"]
    measured = Opinion.objects.get(pk=int(os.environ["BENCH_TARGET"]))
    in_section = list(
        Opinion.objects.filter(
            section__consultation__step=step, section__slug=section_slug, published=True
        ).order_by("?")[:60]
    )
    targets = [measured, *[o for o in in_section if o.pk != measured.pk][:24]]
    values = ["ok", "mitigated", "nok"]
    for opinion in [measured, *in_section]:
        consultation_services.opinion_vote(user=user, opinion=opinion, value=rng.choice(values))
        done["votes"] += 1
    for version in Version.objects.filter(published=True).order_by("?")[:10]:
        consultation_services.version_vote(user=user, version=version, value=rng.choice(values))
        done["votes"] += 1
    # Arguments of the measured opinion: 30 of its 500 voted (the page marks them).
    arguments = Argument.objects.filter(published=True, opinion=measured).order_by("?")
    for argument in arguments[:30]:
        consultation_services.argument_vote(user=user, argument=argument, on=True)
        done["votes"] += 1
    for source in Source.objects.filter(published=True).order_by("?")[:5]:
        consultation_services.source_vote(user=user, source=source, on=True)
        done["votes"] += 1
    consultation_services.argument_create(
        author=user, parent=measured, kind="for",
        body="Cet article protège mieux les données des plus jeunes.",
    )
    done["comments"] += 1

for target in targets:
    participation.follow_create(user=user, target=target)
    done["follows"] += 1
now = timezone.now()
notifications = []
for i, target in enumerate(targets * 2):
    notifications.append(Notification(
        user=user, content_type=ContentType.objects.get_for_model(target), object_id=target.pk,
        subject=f"Du nouveau sur « {str(target)[:60]} »", message="Un nouveau commentaire.",
        url=target.get_absolute_url(), created_at=now - timezone.timedelta(hours=i),
        sent_in_digest_at=None if i % 2 else now,
    ))
Notification.objects.bulk_create(notifications)
done["notifications"] = len(notifications)

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user, backend="palabre.core.auth_backends.AuthenticationBackend")
statuses = {}
for path in json.loads(os.environ["BENCH_PATHS"]):
    response = client.get(path)
    if not response.wsgi_request.user.is_authenticated:
        raise SystemExit(f"{path}: the session does not log the participant in")
    statuses[path] = response.status_code
cookies = {}
for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
    if name not in client.cookies:
        raise SystemExit(f"no {name} cookie after the first requests")
    cookies[name] = client.cookies[name].value
print("LOGIN-JSON " + json.dumps({
    "user": user.username, "cookies": cookies, "statuses": statuses, "seeded": done,
}))
"""


def participant(env: dict, py: str, *, kind: str, fill: dict, paths: list[str]) -> dict:
    """Seed the participant, log them in; ``{"cookie": header value, "seeded": {...}}``."""
    out = foundation.run(
        [py, "manage.py", "shell", "-c", SEED],
        env=dict(
            env,
            BENCH_KIND=kind,
            BENCH_PROJECT=fill["p"],
            BENCH_STEP=fill["s"],
            BENCH_TARGET=str(fill.get("id") or fill.get("hot")),
            BENCH_SECTION=fill.get("section", ""),
            BENCH_PATHS=json.dumps(paths),
        ),
        capture=True,
        timeout=600,
    )
    login = json_line(out, "LOGIN-JSON ")
    bad = {path: status for path, status in login["statuses"].items() if status != 200}
    if bad:
        raise foundation.BenchError(f"logged-in pages not answering 200: {bad}")
    login["cookie"] = "; ".join(f"{name}={value}" for name, value in login["cookies"].items())
    foundation.say(f"participant {login['user']} logged in; seeded {login['seeded']}")
    return login
