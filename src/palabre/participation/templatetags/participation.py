from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag
def report_url(obj, next_url=""):
    ct = ContentType.objects.get_for_model(obj)
    url = reverse("report", args=[ct.pk, obj.pk])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
