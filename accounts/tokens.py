"""Password-reset links that die with the account: Django's tokens already end when the
password or the last login changes; these also end when the account (or its customer) is
deactivated, so a link mailed earlier stops working at once."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator

from accounts.backends import customer_allows_login


class PortalTokenGenerator(PasswordResetTokenGenerator):
    def _make_hash_value(self, user, timestamp):
        active = user.is_active and customer_allows_login(user)
        return f"{super()._make_hash_value(user, timestamp)}{int(active)}"


portal_token_generator = PortalTokenGenerator()
