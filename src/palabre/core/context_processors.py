from .selectors import organisation_context


def organisation(request):
    data = getattr(request, "organisation_context", None) or organisation_context()
    return {"organisation": data["organisation"], "footer_pages": data["footer_pages"]}
