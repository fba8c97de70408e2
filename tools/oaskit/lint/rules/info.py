"""Rules about the Info Object.

Rules, their default level and their peers (Spectral `spectral:oas`; Redocly `recommended`);
"off" marks a rule that runs only when selected:

- `info-has-contact` (warning, off): Spectral info-contact.
- `info-has-description` (warning, off): Spectral info-description.
- `info-has-license` (warning, off): Spectral info-license; Redocly info-license.
- `license-has-url` (warning, off): Spectral license-url; Redocly info-license-strict.
- `contact-has-properties` (warning, off): Spectral contact-properties (off).
"""

from __future__ import annotations

from typing import Any

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index
from oaskit.spec import Bundle

__all__ = [
    "contact_has_properties",
    "info_has_contact",
    "info_has_description",
    "info_has_license",
    "license_has_url",
]


def _info(bundle: Bundle) -> dict[str, Any]:
    info = index(bundle).data.get("info")
    return info if isinstance(info, dict) else {}


@rule("info-has-contact", level=Level.WARNING, default=False)
def info_has_contact(bundle: Bundle) -> Found:
    """The API names a contact in `info.contact`."""
    if not isinstance(_info(bundle).get("contact"), dict):
        yield ("info",), "info has no contact"


@rule("contact-has-properties", level=Level.WARNING, default=False)
def contact_has_properties(bundle: Bundle) -> Found:
    """The contact has a name, a url and an email."""
    contact = _info(bundle).get("contact")
    if isinstance(contact, dict):
        for member in ("name", "url", "email"):
            if not contact.get(member):
                yield ("info", "contact"), f"contact has no {member}"


@rule("info-has-description", level=Level.WARNING, default=False)
def info_has_description(bundle: Bundle) -> Found:
    """The API has a description in `info.description`."""
    if not str(_info(bundle).get("description") or "").strip():
        yield ("info",), "info has no description"


@rule("info-has-license", level=Level.WARNING, default=False)
def info_has_license(bundle: Bundle) -> Found:
    """The API states its license in `info.license`."""
    if not isinstance(_info(bundle).get("license"), dict):
        yield ("info",), "info has no license"


@rule("license-has-url", level=Level.WARNING, default=False)
def license_has_url(bundle: Bundle) -> Found:
    """The license has a `url`, or (OAS 3.1) an SPDX `identifier`."""
    license_ = _info(bundle).get("license")
    if isinstance(license_, dict) and not (license_.get("url") or license_.get("identifier")):
        yield ("info", "license"), "license has neither url nor identifier"
