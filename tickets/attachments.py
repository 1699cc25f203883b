"""Upload rules: size and type limits, checked before anything is stored."""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Executable or active content is refused whatever the configured list says.
ALWAYS_REFUSED = {"exe", "bat", "cmd", "com", "js", "msi", "ps1", "scr", "sh", "vbs", "html",
                  "htm", "svg", "php", "jar", "dll"}


def attachment_validate(upload) -> None:
    """Raise ValidationError naming the file if it is too large or of a refused type."""
    name = PurePosixPath(upload.name or "").name
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    allowed = {e.lower().lstrip(".") for e in settings.PORTAL_ATTACHMENT_EXTENSIONS}
    if not extension or extension in ALWAYS_REFUSED or extension not in allowed:
        raise ValidationError(
            _("“%(name)s”: files of this type are not accepted. Allowed types: %(types)s.")
            % {"name": name, "types": ", ".join(sorted(allowed - ALWAYS_REFUSED))},
            code="attachment_type",
        )
    limit = settings.PORTAL_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s per file.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="attachment_size",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="attachment_empty")
