"""Support packages, components, customers, their contracts and contacts."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class VendorConfiguration(models.TextChoices):
    NONE = "none", _("no")
    CLOUD_ONLY = "cloud_only", _("cloud customers only")
    ALL = "all", _("yes")


class SupportPackage(models.Model):
    """A package's terms as data (seeded from the SPEC, editable by managers)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    offline_support = models.BooleanField(_("offline support (e-mail, portal)"), default=True)
    online_support = models.BooleanField(
        _("online support (phone, chat, remote desktop)"), default=False
    )
    monthly_request_quota = models.PositiveIntegerField(
        _("consultation requests a month"),
        null=True,
        blank=True,
        help_text=_("Service requests and changes a calendar month; empty means unlimited."),
    )
    consultations = models.BooleanField(
        _("consultations on features, setup, installation, configuration, development"),
        default=True,
    )
    vendor_configuration = models.CharField(
        _("configuration done by vendor specialists"),
        max_length=16,
        choices=VendorConfiguration.choices,
        default=VendorConfiguration.NONE,
    )
    server_connection = models.BooleanField(_("connection to the customer's server"), default=False)
    defect_handling = models.BooleanField(
        _("finding defects and handing them over for fixing"), default=True
    )
    covered_blocks_limit = models.PositiveSmallIntegerField(
        _("additional blocks covered at priority 1"), default=1
    )
    updates_and_knowledge_base = models.BooleanField(
        _("updates, critical patches, portal, knowledge base"), default=True
    )
    incident_hours = models.CharField(
        _("incident service hours"), max_length=100, default="09:00–18:00, Mon–Sun (UTC+03:00)"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("support package")
        verbose_name_plural = _("support packages")

    def __str__(self) -> str:
        return self.name

    @property
    def has_quota(self) -> bool:
        return self.monthly_request_quota is not None


class ComponentKind(models.TextChoices):
    BASE = "base", _("Base function")
    ADDITIONAL = "additional", _("Additional block")


class Component(models.Model):
    """A part of the product a ticket is about; base functions are always priority-1 eligible."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=ComponentKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "position", "name"]
        verbose_name = _("component")
        verbose_name_plural = _("components")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the viewer's language (seeded names are in the catalogue)."""
        return gettext(self.name)

    @property
    def is_base(self) -> bool:
        return self.kind == ComponentKind.BASE


class Customer(models.Model):
    """A customer organisation: the unit of isolation for tickets."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("A deactivated customer's contacts can neither log in nor file tickets."),
    )
    requires_two_factor = models.BooleanField(
        _("two-factor login required"),
        default=False,
        help_text=_("Its contacts must log in with an authenticator app code as well."),
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_customers",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a known time zone (use an IANA name like Europe/Kyiv)."),
            params={"value": value},
        ) from exc


class Contract(models.Model):
    """A yearly support contract of a customer on a package."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    package = models.ForeignKey(
        SupportPackage, verbose_name=_("package"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("contract number"), max_length=50, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    is_cloud = models.BooleanField(_("cloud customer"), default=False)
    has_24x7 = models.BooleanField(
        _("24×7 option"),
        default=False,
        help_text=_("Individual 24/7/365 support: its own calendar and negotiated targets."),
    )
    licence_cost = models.DecimalField(
        _("yearly licence cost"), max_digits=12, decimal_places=2, default=0,
        validators=[MinValueValidator(0)],
    )
    support_percentage = models.DecimalField(
        _("support price, percent of licence cost"), max_digits=5, decimal_places=2, default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Kyiv", validators=[validate_time_zone]
    )
    covered_blocks = models.ManyToManyField(
        Component,
        verbose_name=_("additional blocks covered at priority 1"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": ComponentKind.ADDITIONAL},
    )

    class Meta:
        ordering = ["customer__name", "-valid_from"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        permissions = [("view_contract_price", _("Can see contract prices"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gt=F("valid_from")),
                name="contract_valid_to_after_valid_from",
                violation_error_message=_("The contract must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(support_percentage__gte=0) & Q(support_percentage__lte=100),
                name="contract_support_percentage_0_100",
            ),
            models.CheckConstraint(
                condition=Q(licence_cost__gte=0), name="contract_licence_cost_non_negative"
            ),
        ]
        indexes = [models.Index(fields=["customer", "valid_from", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.number} ({self.customer}, {self.package})"

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("The contract must end after it starts.")})
        if self.customer_id and self.valid_from and self.valid_to:
            overlapping = Contract.objects.filter(
                customer_id=self.customer_id,
                valid_from__lt=self.valid_to,
                valid_to__gt=self.valid_from,
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(
                    _("This customer already has a contract for part of this period: %(other)s."),
                    params={"other": ", ".join(c.number for c in overlapping)},
                )

    @property
    def yearly_price(self):
        return (self.licence_cost * self.support_percentage / 100).quantize(self.licence_cost)


class Contact(models.Model):
    """A customer's authorised person; only contacts can file tickets for their organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="contact",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    is_customer_admin = models.BooleanField(
        _("customer admin"),
        default=False,
        help_text=_("May invite and deactivate the organisation's contacts."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language of the contact's last visit to the portal; the portal writes to them "
            "in it (the site's default language until they visit)."
        ),
    )

    class Meta:
        ordering = ["customer__name", "user__last_name", "user__first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.customer})"


class Invitation(models.Model):
    """A customer admin's invitation of a new contact; the account exists once it is accepted.

    The link in the mail carries a random key; only its SHA-256 is stored. Sending again makes
    a new key (the old link stops working); cancelling, expiry (``PORTAL_INVITATION_DAYS``
    after the last mail) or a deactivated customer end it too. An address that already has an
    account anywhere gets an invitation row like any other but no mail (see
    packages.invitations): nothing tells the inviter, and the account is not touched.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    is_customer_admin = models.BooleanField(_("customer admin"), default=False)
    invited_by = models.ForeignKey(
        Contact, verbose_name=_("invited by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("last sent"))
    key_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    contact = models.OneToOneField(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="invitation",
    )

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "customer",
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="invitation_one_open_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.customer})"

    @property
    def is_open(self) -> bool:
        """Neither accepted nor cancelled (it may have expired: it can be sent again)."""
        return self.accepted_at is None and self.cancelled_at is None

    def expires_at(self):
        from datetime import timedelta

        return self.sent_at + timedelta(days=settings.PORTAL_INVITATION_DAYS)

    def has_expired(self, now) -> bool:
        return now >= self.expires_at()
