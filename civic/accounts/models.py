"""Members: one account for the whole platform, with the profile on the user row itself
(one fewer query on every page) and follows ("friends" are the people you follow)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from civic.core.follows import FollowBase
from civic.places.geo import GeoPointModel, GeoQuerySet


class Availability(models.TextChoices):
    """When a member is free: weekday/weekend × morning/afternoon/evening."""

    WEEKDAY_MORNING = "weekday_morning", _("Weekdays, morning")
    WEEKDAY_AFTERNOON = "weekday_afternoon", _("Weekdays, afternoon")
    WEEKDAY_EVENING = "weekday_evening", _("Weekdays, evening")
    WEEKEND_MORNING = "weekend_morning", _("Weekends, morning")
    WEEKEND_AFTERNOON = "weekend_afternoon", _("Weekends, afternoon")
    WEEKEND_EVENING = "weekend_evening", _("Weekends, evening")


class MemberQuerySet(GeoQuerySet):
    def active(self):
        return self.filter(is_active=True, is_former=False)


class MemberManager(BaseUserManager.from_queryset(MemberQuerySet)):
    """Members log in with their email and have no username (see README, Decisions)."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("a member needs an email address")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        # Without a password, set_password stores an unusable one: that member cannot log in with one.
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields.get("is_staff") is not True or extra_fields.get("is_superuser") is not True:
            raise ValueError("a superuser must have is_staff=True and is_superuser=True")
        return self._create_user(email, password, **extra_fields)


def avatar_path(instance, filename):
    return f"avatars/{instance.pk or 'new'}/{filename}"


class User(GeoPointModel, AbstractUser):
    """A member. ``is_staff`` means *editor of the platform*; organisation members reach the admin
    through their memberships instead. ``is_former`` marks an erased account whose contributions
    stay, attributed to "former member"."""

    # No username: the email is the login, and a unique column that allauth leaves empty would let
    # only one self-registered member exist.
    username = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    bio = models.TextField(_("about me"), blank=True, max_length=2000)
    home_city = models.ForeignKey(
        "places.City",
        verbose_name=_("home city"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    interests = models.ManyToManyField(
        "core.Theme", verbose_name=_("interests"), blank=True, related_name="+"
    )
    availability = ArrayField(
        models.CharField(max_length=20, choices=Availability.choices),
        verbose_name=_("availability"),
        default=list,
        blank=True,
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="fr")
    is_spotter = models.BooleanField(
        _("spotter"), default=False, help_text=_("I find initiatives in my city.")
    )
    is_reporter = models.BooleanField(
        _("reporter"), default=False, help_text=_("I write portraits and reports.")
    )
    is_shaker = models.BooleanField(_("shaker"), default=False, help_text=_("I run meetups and workshops."))
    weekly_digest = models.BooleanField(
        _("weekly digest"),
        default=False,
        help_text=_("Once a week, an email with new things near me and news of what I follow."),
    )
    is_former = models.BooleanField(_("former member"), default=False, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = MemberManager()

    class Meta(GeoPointModel.Meta):
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """What others see: the display name, else the part of the email before the @."""
        if self.is_former:
            return str(_("former member"))
        return self.display_name or (self.email.split("@")[0] if self.email else str(_("member")))

    @property
    def is_editor(self) -> bool:
        return self.is_active and (self.is_staff or self.is_superuser)


class Follow(FollowBase):
    """A member follows another ("friends"); the number of followers is counted, not kept."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_set"
    )
    followed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_set"
    )

    follower_field = "follower"
    target_field = "followed"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="accounts_follow_once"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followed")), name="accounts_no_self_follow"
            ),
        ]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followed_id}"


class AccountEmail(models.Model):
    """An account email (confirmation, password reset…) that the mail server refused during the
    request, waiting for ``civic.accounts.tasks.send_account_email``.

    It holds what is needed to render the email again and never the message itself: no link with a
    key, no key (a fresh one is made when it is sent). The row is deleted once the email is sent,
    so a second run of the task finds nothing to send."""

    template_prefix = models.CharField(max_length=100)
    email = models.EmailField()
    # The member the email is about; none for an email to an address without an account.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    language = models.CharField(max_length=10)
    # Where the request came to ("https://civic.example"): links are built on it, as allauth's are.
    site_url = models.CharField(max_length=200)
    # allauth's other context values that are plain, non-secret strings (signup_url…).
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.template_prefix} → {self.email}"
