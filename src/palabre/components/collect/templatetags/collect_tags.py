from django import forms, template

register = template.Library()


@register.filter
def bound(form, name):
    """``form|bound:name``: the bound field called ``name``."""
    return form[name]


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def has_file_fields(form) -> bool:
    return any(isinstance(f, forms.FileField) for f in form.fields.values())
