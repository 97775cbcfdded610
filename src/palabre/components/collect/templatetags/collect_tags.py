from django import template

register = template.Library()


@register.filter
def bound(form, name):
    """``form|bound:name``: the bound field called ``name``."""
    return form[name]


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)
