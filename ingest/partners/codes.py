"""The codes a partner table gives for its places: country codes (ISO 3166-1, M49) and GeoNames ids."""
from __future__ import annotations

import re

GEONAMES = "https://sws.geonames.org/{}/"

_NUMERIC = re.compile(r"^([0-9]{1,3})(?:\.0+)?$")


def country_code(value: str) -> tuple[str, str | None]:
    """The ISO 3166-1 alpha-2 code a country code cell gives, and a note when it was converted: alpha-2 as it
    is, alpha-3 (``ESP``) and numeric M49 codes of countries (``724``, ``4`` for ``004``) to alpha-2.

    :raises ValueError: with the reason, for a code that is none of these (an M49 code of a region, a name…).
    """
    import pycountry
    text = value.strip()
    numeric = _NUMERIC.match(text)
    if numeric:
        found = pycountry.countries.get(numeric=numeric.group(1).zfill(3))
        if found is None:
            raise ValueError(f"{text!r} is a number but not the M49 code of a country (M49 also numbers regions, "
                             f"e.g. 419 Latin America); give the country's ISO 3166 code, e.g. ES or ESP")
        return found.alpha_2, f"M49 {numeric.group(1).zfill(3)} → {found.alpha_2}"
    code = text.upper()
    if len(code) == 2 and code.isalpha():
        if pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(f"{text!r} is not an ISO 3166-1 alpha-2 country code")
        return code, None
    if len(code) == 3 and code.isalpha():
        found = pycountry.countries.get(alpha_3=code)
        if found is None:
            raise ValueError(f"{text!r} is not an ISO 3166-1 alpha-3 country code")
        return found.alpha_2, f"{code} → {found.alpha_2}"
    raise ValueError(f"{text!r} is not a country code; a countryCode column holds ISO 3166-1 alpha-2 (ES), "
                     f"alpha-3 (ESP) or numeric M49 (724) codes; map a column of country names with the role "
                     f"'country'")


def geonames_iri(value) -> str:
    """The GeoNames IRI of a cell holding a GeoNames id (``3598132``) or a GeoNames address.

    :raises ValueError: for anything else.
    """
    text = str(int(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value).strip()
    m = re.match(r"^(?:https?://(?:www\.|sws\.)?geonames\.org/)?([0-9]+)(?:/.*)?$", text)
    if not m:
        raise ValueError(f"{text!r} is not a GeoNames id (a number such as 3598132, or its geonames.org address)")
    return GEONAMES.format(int(m.group(1)))
