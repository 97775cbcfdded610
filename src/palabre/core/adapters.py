from allauth.account.adapter import DefaultAccountAdapter

from .selectors import organisation_context


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject):
        name = organisation_context()["organisation"].name
        return f"[{name}] {subject}"
