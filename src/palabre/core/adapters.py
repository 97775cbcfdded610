from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter

from .mail import organisation_name, sender


@dataclass(frozen=True)
class OrganisationSite:
    """What allauth's email templates print as ``current_site``: the organisation.

    Without django.contrib.sites, allauth names the site after the request's host
    (« Bonjour, c'est 127.0.0.1:8000 ! »); the emails greet and sign with the organisation's
    name instead, in ``name`` and ``domain`` alike (the links keep the real address).
    """

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject):
        return f"[{organisation_name()}] {subject}"

    def get_from_email(self):
        return sender()

    def send_mail(self, template_prefix, email, context):
        name = organisation_name()
        context = {**context, "current_site": OrganisationSite(name=name, domain=name)}
        return super().send_mail(template_prefix, email, context)
