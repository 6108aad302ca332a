"""Languages of the browse UI: English, French and Spanish.

UI strings come from gettext catalogues (``app/translations/{fr,es}/LC_MESSAGES/messages.po``) through
Flask-Babel. Only the ``.po`` sources are kept in the repository; they are compiled to ``.mo`` when the app
starts, into a cache folder keyed by their content, so a fresh checkout needs no build step.

The language of a request is, in order: ``?lang=`` (remembered in a cookie), the cookie, the browser's
``Accept-Language``, the ``DEFAULT_LANGUAGE`` setting. Data labels follow the same language with a fallback to
English, then to a literal without language, then to any (:func:`pick_text`, the one picker of the app); the
pages mark a text shown in another language than the reader's.
"""
from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, request
from flask_babel import Babel

LANGUAGES = ("en", "fr", "es")
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
COOKIE = "sckg_lang"
SOURCE_DIR = Path(__file__).resolve().parent / "translations"


def compile_catalogues(source: Path = SOURCE_DIR) -> Path:
    """Compile every ``.po`` under ``source`` into a cache folder and return that folder.

    The folder name carries a hash of the sources, so edited catalogues are recompiled and stale ones
    never served.

    :raises OSError: when the cache folder cannot be written.
    """
    pos = sorted(source.glob("*/LC_MESSAGES/*.po"))
    digest = hashlib.sha256()
    for po in pos:
        digest.update(str(po.relative_to(source)).encode())
        digest.update(po.read_bytes())
    target = Path(tempfile.gettempdir()) / f"sckg-translations-{digest.hexdigest()[:16]}"
    for po in pos:
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists():
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        tmp = mo.with_suffix(".tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        tmp.replace(mo)
    return target


def current_language() -> str:
    """The language of the current request (cached on ``g``)."""
    lang = getattr(g, "sckg_lang", None)
    if lang:
        return lang
    from flask import current_app
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        lang = asked
    elif request.cookies.get(COOKIE) in LANGUAGES:
        lang = request.cookies[COOKIE]
    else:
        lang = request.accept_languages.best_match(LANGUAGES) or current_app.config.get("DEFAULT_LANGUAGE", "en")
    if lang not in LANGUAGES:
        lang = "en"
    g.sckg_lang = lang
    return lang


def remember_language(response):
    """After a request with ``?lang=xx``, keep the choice in a cookie for a year."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@dataclass(frozen=True)
class Text:
    """A text chosen for a reader: its words and its language tag (``""`` when it has none)."""

    text: str
    lang: str = ""
    editorial: bool = False

    def __str__(self) -> str:
        return self.text

    def foreign_to(self, lang: str) -> bool:
        """True when the text carries a language other than ``lang`` (a fallback the page must mark)."""
        return bool(self.lang) and self.lang != lang


def pick_text(texts: Iterable | Mapping[str, str], lang: str) -> Text | None:
    """The best text for a reader of ``lang``: that language, then English, then no language, then any other
    (alphabetically by tag). ``texts`` is literals (rdflib or engine terms with ``.language``) or a mapping
    from language tag to text. Within a language the alphabetically first text wins, so the choice is
    stable. This is the one language picker of the app: labels, titles, summaries, definitions."""
    by_lang: dict[str, list[str]] = {}
    items = texts.items() if isinstance(texts, Mapping) else \
        ((getattr(t, "language", None), str(t) if isinstance(t, str) else getattr(t, "value", str(t))) for t in texts)
    for tag, text in items:
        if text is None or text == "":
            continue
        by_lang.setdefault((tag or "").lower().split("-")[0], []).append(str(text))
    for key in (lang, "en", "", *sorted(by_lang)):
        if by_lang.get(key):
            return Text(min(by_lang[key]), key)
    return None


def pick_label(literals: Iterable | Mapping[str, str], lang: str) -> str | None:
    """The words of :func:`pick_text` (None when there is no text)."""
    found = pick_text(literals, lang)
    return found.text if found else None


def N_(message: str) -> str:
    """Mark a message for the catalogues (Babel's extractor knows ``N_``); it is translated where it is shown
    (:func:`translate`, or ``_()`` in a template)."""
    return message


_translations: dict[str, object] = {}


def translate(message: str, lang: str, **values) -> str:
    """``message`` from the gettext catalogue of ``lang`` (English: the message itself), with ``%(name)s``
    placeholders filled from ``values``. Works with or without a request, so derived data and tests word
    their texts as the pages do."""
    if lang not in LANGUAGES or lang == "en":
        text = message
    else:
        catalogue = _translations.get(lang)
        if catalogue is None:
            from babel.support import Translations
            catalogue = _translations[lang] = Translations.load(str(compile_catalogues()), [lang])
        text = catalogue.gettext(message)
    return text % values if values else text


def language_name(tag: str) -> str:
    """The name of a language in the reader's language, for the mark of a text shown in another language."""
    from flask_babel import gettext as _
    names = {"en": _("English"), "fr": _("French"), "es": _("Spanish")}
    return names.get(tag, tag)


def init_app(app: Flask) -> None:
    """Compile the catalogues and install Flask-Babel with SCKG's language choice."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_catalogues())
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=current_language)
    app.after_request(remember_language)

    app.add_template_global(language_name, "language_name")

    @app.context_processor
    def _languages():
        return {"languages": LANGUAGE_NAMES, "lang": current_language() if has_request_context() else "en"}
