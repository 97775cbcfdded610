from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.files.images import get_image_dimensions
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from palabre.core import limits

from . import phases, services
from .models import District, Theme, User

AVATAR_MAX_BYTES = 2 * 1024 * 1024


class SignupExtraForm(forms.Form):
    """Added to allauth's sign-up form: the charter, ticked by the person, never pre-ticked."""

    charter = forms.BooleanField(
        label=_("J'accepte la charte de participation"),
        required=True,
        error_messages={"required": _("Vous devez accepter la charte pour créer un compte.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["charter"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("charter"), _("Lire la charte de participation")
        )

    def signup(self, request, user):
        services.user_register(user=user, charter_accepted=self.cleaned_data["charter"])


class ProfileForm(forms.ModelForm):
    # Texts checked on what was typed, never cut by a maxlength (see core.limits).
    username = limits.LimitedText(
        label=_("Nom public"),
        limit=limits.USERNAME,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Affiché avec vos contributions. Lettres, chiffres et @/./+/-/_."),
    )
    bio = limits.LimitedText(
        label=capfirst(User._meta.get_field("bio").verbose_name),
        limit=limits.BIO,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Quelques mots sur vous, visibles sur votre profil public."),
    )
    zip_code = limits.LimitedText(
        label=capfirst(User._meta.get_field("zip_code").verbose_name),
        limit=limits.ZIP_CODE,
        say_limit=False,
        required=False,
        help_text=_("Jamais affiché publiquement ; certaines étapes le demandent."),
    )
    website = forms.URLField(
        label=_("Site web"),
        required=False,
        assume_scheme="https",
        validators=[limits.MaxLength(limits.WEBSITE)],
    )

    class Meta:
        model = User
        fields = ["username", "bio", "avatar", "zip_code", "website"]
        help_texts = {"avatar": _("JPEG, PNG, WebP ou GIF, 2 Mo au plus.")}

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if avatar and hasattr(avatar, "size"):
            if avatar.size > AVATAR_MAX_BYTES:
                raise forms.ValidationError(_("L'image dépasse 2 Mo."))
            if get_image_dimensions(avatar) == (None, None):
                raise forms.ValidationError(_("Ce fichier n'est pas une image lisible."))
        return avatar

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.exclude(pk=self.instance.pk).filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Ce nom public est déjà pris."))
        return username


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    district = forms.ChoiceField(label=_("Quartier"), required=False)
    status = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[("", _("Tous"))] + [(s.value, phases.STATUS_LABELS[s]) for s in phases.Status],
    )

    def __init__(self, *args, themes=None, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        themes = themes if themes is not None else Theme.objects.all()
        districts = districts if districts is not None else District.objects.all()
        self.fields["theme"].choices = [("", _("Tous"))] + [(t.slug, t.name) for t in themes]
        self.fields["district"].choices = [("", _("Tous"))] + [(d.slug, d.name) for d in districts]
