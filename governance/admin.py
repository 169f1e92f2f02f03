"""The admin is an operator's tool. It changes state through the services, like every other
caller, so the audit log and the roster's rules hold whichever door a change comes through."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.admin import GuardedModelAdmin

from governance import permissions, services
from governance.integration_models import WebhookEvent
from governance.models import (
    AuditEvent,
    ExportSettings,
    ForumTopic,
    MergeRule,
    Module,
    Notification,
    Person,
    PersonActivity,
    Role,
    RoleStatus,
    TaxonomyChange,
    TaxonomyProposal,
    TaxonomyProposalStep,
    TaxonomyRevision,
    WebhookDelivery,
    WebhookEndpoint,
)
from governance.services import webhook_endpoints


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ServiceBackedAdmin(admin.ModelAdmin):
    """Saves through `create_service` / `update_service`; records are never deleted here."""

    service_fields: tuple[str, ...] = ()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changeform_view(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """A rule only the service knows (a race, a permission) comes back as a message on the
        same form, with nothing saved, instead of a server error."""
        try:
            return super().changeform_view(request, *args, **kwargs)
        except (PermissionDenied, ValidationError) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, text or "This change is not allowed.", level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        data = {
            name: form.cleaned_data[name]
            for name in self.service_fields
            if name in form.cleaned_data
        }
        if change:
            changed = {name: data[name] for name in form.changed_data if name in data}
            saved = self.update(actor=request.user, obj=obj, data=changed)
        else:
            saved = self.create(actor=request.user, data=data)
        obj.pk = saved.pk

    def create(self, *, actor, data: dict):
        raise NotImplementedError

    def update(self, *, actor, obj, data: dict):
        raise NotImplementedError


@admin.register(Person)
class PersonAdmin(ServiceBackedAdmin):
    list_display = ("full_name", "github", "affiliation", "user")
    search_fields = ("full_name", "github", "email", "affiliation")
    raw_id_fields = ("user",)
    service_fields = ("full_name", "github", "email", "affiliation", "user")
    actions = ["anonymise"]

    @admin.action(description="Anonymise (privacy request)")
    def anonymise(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        for person in queryset:
            try:
                done = services.person_anonymise(actor=request.user, person=person)
            except (PermissionDenied, ValidationError) as error:
                text = (
                    "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                )
                self.message_user(request, f"{person}: {text}", level=messages.ERROR)
            else:
                self.message_user(request, f"Anonymised as {done.person.full_name}.")

    def create(self, *, actor, data: dict) -> Person:
        return services.person_create(actor=actor, **data)

    def update(self, *, actor, obj: Person, data: dict) -> Person:
        return services.person_update(actor=actor, person=obj, data=data)


@admin.register(Module)
class ModuleAdmin(ServiceBackedAdmin, GuardedModelAdmin):
    list_display = ("name", "slug", "group", "status")
    list_filter = ("group", "status")
    search_fields = ("name", "slug", "includes")
    prepopulated_fields = {"slug": ("name",)}
    service_fields = (
        "name",
        "slug",
        "group",
        "description",
        "includes",
        "path_patterns",
        "inactivity_months",
        "position",
    )
    readonly_fields = ("status",)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        # The address of an existing module changes only through a taxonomy revision.
        return ("status", "slug") if obj is not None else ("status",)

    def get_prepopulated_fields(self, request: HttpRequest, obj=None) -> dict:
        return {} if obj is not None else self.prepopulated_fields

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and permissions.can_change_module(request.user, obj):
            return True
        return super().has_change_permission(request, obj)

    def create(self, *, actor, data: dict) -> Module:
        return services.module_create(actor=actor, **data)

    def update(self, *, actor, obj: Module, data: dict) -> Module:
        return services.module_update(actor=actor, module=obj, data=data)


@admin.register(Role)
class RoleAdmin(ServiceBackedAdmin):
    list_display = ("person", "kind", "module", "status", "started_on", "ended_on")
    list_filter = ("status", "kind", "module__group")
    search_fields = ("person__full_name", "person__github", "module__name")
    raw_id_fields = ("person", "module")
    service_fields = ("person", "kind", "module", "started_on")
    actions = ("make_emeritus",)
    # The reason typed when a role ended is the core maintainers' own note.
    exclude = ("end_reason",)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A role's history is fixed once granted; it changes only by moving to emeritus.
        return obj is None and super().has_change_permission(request, obj)

    def create(self, *, actor, data: dict) -> Role:
        return services.role_grant(actor=actor, **data)

    @admin.action(description="Move selected roles to emeritus (reason: decided by the core team)")
    def make_emeritus(self, request: HttpRequest, queryset: QuerySet[Role]) -> None:
        moved = 0
        for role in queryset.filter(status=RoleStatus.ACTIVE):
            try:
                services.role_make_emeritus(
                    actor=request.user, role=role, reason="Moved to emeritus by the core team."
                )
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{role}: {error}", level=messages.ERROR)
            else:
                moved += 1
        self.message_user(request, f"Moved {moved} role(s) to emeritus.")


class TaxonomyChangeInline(admin.TabularInline):
    model = TaxonomyChange
    extra = 0
    can_delete = False
    readonly_fields = ("operation", "module", "source", "previous_name", "previous_slug")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(TaxonomyRevision)
class TaxonomyRevisionAdmin(ReadOnlyAdmin):
    list_display = ("title", "decided_on", "created_by")
    inlines = (TaxonomyChangeInline,)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Who did what to which row. Labels and data carry ids and public words only (see
    `services.base.audit_label`): operators run the site, they do not read its private text."""

    list_display = ("created_at", "actor_label", "verb", "target_label")
    list_filter = ("verb", "target_type")
    search_fields = ("actor_label", "target_label", "verb")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "actor_label",
        "verb",
        "target_type",
        "target_id",
        "target_label",
        "data",
    )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "channel", "event_key", "sent_at", "attempts")
    list_filter = ("channel",)
    search_fields = ("event_key", "recipient__username")
    raw_id_fields = ("recipient",)
    # Subjects name nominees and bodies carry private feedback meant for one reader; operators
    # see delivery state only.
    exclude = ("subject", "body")


@admin.register(ExportSettings)
class ExportSettingsAdmin(ServiceBackedAdmin):
    """The one row of settings the exported files carry; saved through the service."""

    service_fields = services.EXPORT_SETTINGS_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ExportSettings.objects.exists() and super().has_add_permission(request)

    def create(self, *, actor, data: dict) -> ExportSettings:
        return services.export_settings_update(actor=actor, data=data)

    def update(self, *, actor, obj: ExportSettings, data: dict) -> ExportSettings:
        return services.export_settings_update(actor=actor, data=data)


@admin.register(MergeRule)
class MergeRuleAdmin(ServiceBackedAdmin):
    list_display = ("name", "position", "include_core_maintainers")
    service_fields = services.MERGE_RULE_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def create(self, *, actor, data: dict) -> MergeRule:
        return services.merge_rule_create(actor=actor, **data)

    def update(self, *, actor, obj: MergeRule, data: dict) -> MergeRule:
        return services.merge_rule_update(actor=actor, rule=obj, data=data)

    def delete_model(self, request: HttpRequest, obj: MergeRule) -> None:
        services.merge_rule_delete(actor=request.user, rule=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[MergeRule]) -> None:
        for rule in queryset:
            services.merge_rule_delete(actor=request.user, rule=rule)


@admin.register(PersonActivity)
class PersonActivityAdmin(ReadOnlyAdmin):
    list_display = ("person", "last_active_on", "reviews", "commits", "triaged_issues")
    search_fields = ("person__full_name", "person__github")
    date_hierarchy = "last_active_on"


class TaxonomyProposalStepInline(admin.TabularInline):
    model = TaxonomyProposalStep
    extra = 0
    can_delete = False
    readonly_fields = ("position", "operation", "data")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(TaxonomyProposal)
class TaxonomyProposalAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "created_by", "updated_at")
    list_filter = ("status",)
    inlines = (TaxonomyProposalStepInline,)
    # A draft's reason is the core maintainers' deliberation, read on the proposal's page.
    exclude = ("reason",)


class DeviceResetAdmin(admin.ModelAdmin):
    """django-otp's own admin shows every authenticator key and unused recovery code, with
    which an operator could sign in as anyone. Here a device shows whose it is and when it was
    used, and the one thing to do with it is reset it (delete it, through the service)."""

    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return permissions.can_reset_two_factor(request.user) and super().has_delete_permission(
            request, obj
        )

    def delete_model(self, request: HttpRequest, obj) -> None:
        services.two_factor_reset(actor=request.user, device=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for device in queryset:
            services.two_factor_reset(actor=request.user, device=device)


for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)
    admin.site.register(device_model, DeviceResetAdmin)


# Outside services -------------------------------------------------------------------------------


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("name", "url", "events", "payload_format", "enabled")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ServiceBackedAdmin):
    """Where events go. The secret is shown so the operator can give it to the receiver."""

    form = WebhookEndpointForm
    list_display = ("name", "payload_format", "enabled", "consecutive_failures", "created_at")
    list_filter = ("enabled", "payload_format")
    readonly_fields = ("secret", "consecutive_failures", "disabled_reason", "created_at")
    service_fields = webhook_endpoints.ENDPOINT_FIELDS
    actions = ("rotate_secret",)

    def create(self, *, actor, data: dict) -> WebhookEndpoint:
        return webhook_endpoints.webhook_endpoint_create(actor=actor, data=data)

    def update(self, *, actor, obj: WebhookEndpoint, data: dict) -> WebhookEndpoint:
        return webhook_endpoints.webhook_endpoint_update(actor=actor, endpoint=obj, data=data)

    @admin.action(description="Give the selected endpoints a new secret")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            webhook_endpoints.webhook_endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
        self.message_user(request, f"New secrets for {queryset.count()} endpoint(s).")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log. Bodies carry public facts only (see governance.services.webhooks)."""

    list_display = (
        "created_at",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "event_type", "endpoint")
    search_fields = ("message_id", "event_key")
    date_hierarchy = "created_at"
    actions = ("send_again",)

    @admin.action(description="Send the selected failed deliveries again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        sent = 0
        for delivery in queryset:
            try:
                webhook_endpoints.webhook_delivery_retry(actor=request.user, delivery=delivery)
            except (PermissionDenied, ValidationError) as error:
                text = "; ".join(error.messages) if isinstance(error, ValidationError) else error
                self.message_user(request, f"{delivery}: {text}", level=messages.ERROR)
            else:
                sent += 1
        self.message_user(request, f"Queued {sent} deliveries to be sent again.")


@admin.register(ForumTopic)
class ForumTopicAdmin(ReadOnlyAdmin):
    """The forum topics and their sync state; their text is the published public version."""

    list_display = (
        "subject_key",
        "topic_url",
        "revision",
        "synced_revision",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    search_fields = ("subject_key",)
