"""What the per-username sign-in backoff (tracker.signin) keeps in the database, so that
every app server sees the same: failed sign-ins from unfamiliar addresses, and the
addresses each username has signed in from."""

from django.db import models

# As long as django-axes' username column; longer input is cut to this for the key.
USERNAME_LENGTH = 255


class SignInFailure(models.Model):
    """A sign-in attempt for a username from an address it has never signed in from. Written
    when the attempt is let through to the password check; deleted if it succeeds."""

    username = models.CharField(max_length=USERNAME_LENGTH)
    ip_address = models.GenericIPAddressField(null=True)
    attempted_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "sign-in failure from a new address"
        verbose_name_plural = "sign-in failures from new addresses"
        ordering = ["-attempted_at"]
        indexes = [
            models.Index(fields=["username", "attempted_at"], name="signin_failure_user_time")
        ]

    def __str__(self):
        return f"{self.username} from {self.ip_address} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"


class KnownSignInAddress(models.Model):
    """An address a username has signed in from: the per-username backoff never applies to
    sign-ins for that username from there."""

    username = models.CharField(max_length=USERNAME_LENGTH)
    ip_address = models.GenericIPAddressField()
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        verbose_name = "known sign-in address"
        verbose_name_plural = "known sign-in addresses"
        ordering = ["username", "-last_seen"]
        constraints = [
            models.UniqueConstraint(
                fields=["username", "ip_address"], name="known_signin_address_unique"
            )
        ]

    def __str__(self):
        return f"{self.username} from {self.ip_address}"
