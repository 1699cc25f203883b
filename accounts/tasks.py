"""The password-reset mail, outside the request: the page answers the same, in the same time,
whether or not the address has an account, because only this task looks it up."""

import logging
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import translation

from accounts.forms import PortalPasswordResetForm
from accounts.tokens import portal_token_generator

logger = logging.getLogger(__name__)


def password_reset_mail_send(*, email: str, language: str) -> None:
    """Queue the reset mail for every active account with this address (usually one)."""
    form = PortalPasswordResetForm({"email": email})
    if not form.is_valid():
        return
    base = urlsplit(settings.PORTAL_BASE_URL)
    with translation.override(language or settings.LANGUAGE_CODE), transaction.atomic():
        form.save(
            domain_override=base.netloc,
            use_https=base.scheme == "https",
            token_generator=portal_token_generator,
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.html",
        )


@shared_task(
    name="accounts.tasks.password_reset_mail",
    max_retries=5,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    ignore_result=True,
)
def password_reset_mail(email: str, language: str = "") -> None:
    password_reset_mail_send(email=email, language=language)


def password_reset_dispatch(email: str, language: str) -> None:
    """After commit: hand the request to the worker (a broker outage loses only this mail,
    which the visitor can ask for again)."""
    try:
        password_reset_mail.delay(email, language)
    except Exception:  # any broker failure: logged, the page still answers the same
        logger.warning("broker unavailable; password reset mail not queued", exc_info=True)
