from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palabre.backoffice.mixins import AdministratorOnly, FrenchTitles, LoggedAdmin
from palabre.backoffice.site import site

from . import components, services
from .models import ActionLog, District, Organisation, Page, Project, Step, Theme, User


class StepForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("type d'étape"), choices=())

    class Meta:
        model = Step
        fields = ["position", "title", "slug", "kind", "starts_at", "ends_at", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = components.kind_choices()


class StepInline(admin.StackedInline):
    model = Step
    gender = "f"
    form = StepForm
    extra = 0
    prepopulated_fields = {"slug": ("title",)}
    ordering = ["position", "starts_at"]
    show_change_link = True

    def has_view_permission(self, request, obj=None):
        return request.user.is_organiser

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_organiser
    )


@admin.register(Project, site=site)
class ProjectAdmin(LoggedAdmin):
    gender = "m"
    list_display = ["title", "visibility", "published_at", "position"]
    list_filter = ["visibility", "themes", "districts"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ["themes", "districts", "allowed_users", "allowed_groups"]
    inlines = [StepInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "cover", "cover_alt"]}),
        (_("Classement"), {"fields": ["themes", "districts", "position"]}),
        (
            _("Publication"),
            {"fields": ["visibility", "published_at", "allowed_users", "allowed_groups"]},
        ),
    ]
    view_on_site = True


@admin.register(Step, site=site)
class StepAdmin(LoggedAdmin):
    gender = "f"
    form = StepForm
    list_display = ["title", "project", "kind", "starts_at", "ends_at"]
    list_filter = ["kind", "project"]
    search_fields = ["title", "project__title"]
    list_select_related = ["project"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["fields"] = ["project", *StepForm.Meta.fields]
        return super().get_form(request, obj, **kwargs)


@admin.register(Theme, site=site)
class ThemeAdmin(LoggedAdmin):
    gender = "m"
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(District, site=site)
class DistrictAdmin(LoggedAdmin):
    gender = "m"
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Page, site=site)
class PageAdmin(LoggedAdmin):
    gender = "f"
    list_display = ["title", "kind", "in_footer", "position"]
    prepopulated_fields = {"slug": ("title",)}


@admin.register(Organisation, site=site)
class OrganisationAdmin(LoggedAdmin):
    """A single row: the list goes straight to it."""

    gender = "f"

    def changelist_view(self, request, extra_context=None):
        org = Organisation.load()
        return redirect(reverse("admin:core_organisation_change", args=[org.pk]))

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User, site=site)
class UserAdmin(FrenchTitles, AdministratorOnly, DjangoUserAdmin):
    gender = "mf"
    list_display = ["username", "email", "role", "is_active", "date_joined", "last_login"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "email"]
    ordering = ["-date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "email", "password"]}),
        (_("Profil"), {"fields": ["bio", "avatar", "zip_code", "website", "language"]}),
        (_("Rôle"), {"fields": ["role", "is_active", "groups"]}),
        (_("Dates"), {"fields": ["date_joined", "last_login", "charter_accepted_at"]}),
    ]
    readonly_fields = ["date_joined", "last_login", "charter_accepted_at"]

    def save_model(self, request, obj, form, change):
        role_changed = "role" in form.changed_data
        services.content_save(
            actor=request.user,
            obj=obj,
            created=not change,
            changes={
                k: str(form.cleaned_data.get(k)) for k in form.changed_data if k != "password"
            },
            save=lambda: super(UserAdmin, self).save_model(request, obj, form, change),
        )
        if role_changed or not change:
            services.user_set_role(actor=request.user, user=obj, role=obj.role)


@admin.register(Group, site=site)
class GroupAdmin(FrenchTitles, AdministratorOnly, admin.ModelAdmin):
    gender = "m"
    search_fields = ["name"]
    fields = ["name"]


@admin.register(ActionLog, site=site)
class ActionLogAdmin(FrenchTitles, AdministratorOnly, admin.ModelAdmin):
    gender = "f"
    list_display = ["created_at", "actor", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor__username"]
    list_select_related = ["actor", "content_type"]
    readonly_fields = [f.name for f in ActionLog._meta.fields]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SiteAccessAttemptAdmin(FrenchTitles, AdministratorOnly, AccessAttemptAdmin):
    """Locked-out accounts; deleting a row unlocks the account."""

    gender = "f"


class SiteEmailAddressAdmin(FrenchTitles, AdministratorOnly, EmailAddressAdmin):
    gender = "f"


site.register(AccessAttempt, SiteAccessAttemptAdmin)
site.register(EmailAddress, SiteEmailAddressAdmin)
