"""People on the roster: who they are, and the GitHub handles they are known by."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from governance.validators import NAME_BREAKING_CHARACTERS_IN_DATABASE, validate_person_name

# GitHub's rules: 1 to 39 characters, ASCII letters, digits and single hyphens, and no hyphen at
# either end. Written without look-arounds so that SQLite's and PostgreSQL's regex engines agree,
# and anchored with \A and \Z because Python's `$` also matches before a trailing newline.
GITHUB_HANDLE_PATTERN = r"\A[A-Za-z0-9]+(-[A-Za-z0-9]+)*\Z"
GITHUB_HANDLE_MAX_LENGTH = 39

validate_github_handle = RegexValidator(
    GITHUB_HANDLE_PATTERN,
    message=(
        "A GitHub handle has only letters, digits and single hyphens, "
        "and cannot begin or end with a hyphen."
    ),
)


class Person(models.Model):
    full_name = models.CharField(max_length=200, validators=[validate_person_name])
    github = models.CharField(
        "GitHub handle",
        max_length=GITHUB_HANDLE_MAX_LENGTH,
        blank=True,
        validators=[validate_github_handle],
        help_text="Unique regardless of case. Empty for people listed without a handle.",
    )
    email = models.EmailField(blank=True)
    affiliation = models.CharField(
        max_length=200,
        blank=True,
        help_text="Employer. Membership belongs to the individual; this shows employer spread.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    # GitHub's numeric user id: the stable key of a GitHub account, which a handle is not (a
    # handle can be renamed, freed, and registered again by someone else).
    github_id = models.PositiveBigIntegerField(
        "GitHub user id",
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="Set by the person's first GitHub sign-in.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                Lower("github"),
                condition=~Q(github=""),
                name="person_github_unique_ci",
                violation_error_message="Someone already has this GitHub handle.",
            ),
            models.CheckConstraint(
                condition=Q(github="") | Q(github__regex=GITHUB_HANDLE_PATTERN),
                name="person_github_valid",
            ),
            models.CheckConstraint(condition=~Q(full_name=""), name="person_full_name_not_empty"),
            models.CheckConstraint(
                condition=~Q(full_name__regex=NAME_BREAKING_CHARACTERS_IN_DATABASE),
                name="person_full_name_one_line",
                violation_error_message=validate_person_name.message,
            ),
        ]

    def __str__(self) -> str:
        return self.label(self.full_name, self.github)

    def get_absolute_url(self) -> str:
        return reverse("person_detail", args=[self.github]) if self.github else ""

    @staticmethod
    def label(full_name: str, github: str) -> str:
        """How the site names a person ("Priya Raman (@praman)"), from the two columns, for
        rows read as values."""
        return f"{full_name} (@{github})" if github else full_name


class FormerHandle(models.Model):
    """A GitHub handle a person had before renaming themselves: `/people/<old>/` redirects to
    their page. A handle someone on the roster holds today always wins over a former one."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="former_handles")
    github = models.CharField(
        max_length=GITHUB_HANDLE_MAX_LENGTH, validators=[validate_github_handle]
    )
    renamed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-renamed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(Lower("github"), name="former_handle_unique_ci"),
            models.CheckConstraint(
                condition=Q(github__regex=GITHUB_HANDLE_PATTERN), name="former_handle_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.github}, formerly of person #{self.person_id}"
