"""Rules about the Info Object: contact, description, license."""

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


@rule(
    "info-has-contact",
    level=Level.WARNING,
    default=False,
    peers=("spectral:info-contact", "redocly:info-contact"),
)
def info_has_contact(bundle: Bundle) -> Found:
    """The API names a contact in `info.contact`.

    The Contact Object (OAS 3.1 4.8.3) tells a consumer whom to ask about the API. It is
    optional, and many published APIs state their contact elsewhere: a documentation policy,
    off unless selected.
    """
    if not isinstance(_info(bundle).get("contact"), dict):
        yield ("info",), "info has no contact"


@rule(
    "contact-has-properties",
    level=Level.WARNING,
    default=False,
    peers=("spectral:contact-properties",),
)
def contact_has_properties(bundle: Bundle) -> Found:
    """The contact has a name, a url and an email.

    Every field of the Contact Object is optional (OAS 3.1 4.8.3.1); a contact with all three
    gives a consumer more than one way to reach the team. A documentation policy, off unless
    selected (Spectral leaves its contact-properties off too).
    """
    contact = _info(bundle).get("contact")
    if isinstance(contact, dict):
        for member in ("name", "url", "email"):
            if not contact.get(member):
                yield ("info", "contact"), f"contact has no {member}"


@rule(
    "info-has-description",
    level=Level.WARNING,
    default=False,
    peers=("spectral:info-description",),
)
def info_has_description(bundle: Bundle) -> Found:
    """The API has a description in `info.description`.

    `info.description` (OAS 3.1 4.8.2.1) is where documentation introduces the API: what it
    is for, how to authenticate, its conventions. Optional in OAS: a documentation policy,
    off unless selected.
    """
    if not str(_info(bundle).get("description") or "").strip():
        yield ("info",), "info has no description"


@rule(
    "info-has-license",
    level=Level.WARNING,
    default=False,
    peers=("spectral:info-license", "redocly:info-license"),
)
def info_has_license(bundle: Bundle) -> Found:
    """The API states its license in `info.license`.

    The License Object (OAS 3.1 4.8.4) says on what terms the API may be used. Optional, and
    private APIs have none to state: a policy, off unless selected.
    """
    if not isinstance(_info(bundle).get("license"), dict):
        yield ("info",), "info has no license"


@rule(
    "license-has-url",
    level=Level.WARNING,
    default=False,
    peers=("spectral:license-url", "redocly:info-license-strict"),
)
def license_has_url(bundle: Bundle) -> Found:
    """The license has a `url`, or (OAS 3.1) an SPDX `identifier`.

    A license name alone ("Proprietary", "See terms") does not say where its text is; OAS 3.1
    4.8.4.1 adds an SPDX `identifier` as the other way to pin it down (and forbids both at
    once, which the meta-schema checks). A policy, off unless selected.
    """
    license_ = _info(bundle).get("license")
    if isinstance(license_, dict) and not (license_.get("url") or license_.get("identifier")):
        yield ("info", "license"), "license has neither url nor identifier"
