"""Ad text cleaning: HTML to plain text with paragraph breaks kept.

Rules:
- block tags (`p`, `div`, `br`, headings, `ul`/`ol`, table rows, ...) become line breaks; `<li>` becomes a "- " line;
- every other tag is removed without a space (`<strong>` search highlighting vanishes, words stay as written);
- `<script>`/`<style>` bodies and HTML comments are dropped; entities are decoded (also when the source
  escaped its HTML twice, e.g. `&lt;p&gt;`);
- whitespace is normalised: spaces and tabs (and non-breaking / zero-width spaces) collapse to one space,
  each line is stripped, and runs of blank lines collapse to a single "\n" so headings such as
  "Benefits" stay on their own line.
The original text is kept untouched in `postings.description` for audit.
"""
from __future__ import annotations

import html
import re

_DROPPED_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*>|<![^<>]*>")
_BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 ul ol tr table tbody thead section article header footer blockquote pre hr dl dt dd"
    .split()
)
# Attribute-free tags replaced with plain str.replace before the regex pass (the common case on job boards).
_PLAIN_TAGS = (
    tuple((f"<{slash}{name}>", "") for name in ("strong", "b", "em", "i", "u", "span", "font", "small")
          for slash in ("", "/"))
    + tuple((f"<{slash}{name}>", "\n") for name in ("p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "tr", "table")
            for slash in ("", "/"))
    + (("<li>", "\n- "), ("</li>", ""), ("<br>", "\n"), ("<br/>", "\n"), ("<br />", "\n"))
)
_COMMON_ENTITIES = (("&nbsp;", " "), ("&pound;", "\u00a3"), ("&euro;", "\u20ac"), ("&quot;", '"'), ("&#39;", "'"),
                    ("&rsquo;", "\u2019"), ("&lsquo;", "\u2018"), ("&ndash;", "\u2013"), ("&mdash;", "\u2014"),
                    ("&lt;", "<"), ("&gt;", ">"))
_OTHER_ENTITY = re.compile(r"&(?!amp;)(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z]")
_INVISIBLE = str.maketrans({"\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\u2028": "\n", "\u2029": "\n"})


def clean_text(html_or_text: str | None) -> str:
    """Return the text with HTML stripped, entities decoded and whitespace normalised ("\\n" between lines)."""
    if not html_or_text:
        return ""
    text = str(html_or_text)
    if "&lt;" in text and _ESCAPED_TAG.search(text):
        text = _decoded_entities(text)
    if "<" in text:
        text = _tags_stripped(text)
    if "&" in text:
        text = _decoded_entities(text)
    if "\u200b" in text or "\ufeff" in text or "\u2028" in text or "\u200c" in text or "\u200d" in text:
        text = text.translate(_INVISIBLE)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def clean_title(html_or_text: str | None) -> str:
    """Return a title as one line of plain text."""
    return " ".join(clean_text(html_or_text).split())


def _tags_stripped(text: str) -> str:
    """Return `text` with tags removed: block tags become line breaks, `<li>` a "- " line."""
    if "<!" in text or "<script" in text or "<style" in text or "<SCRIPT" in text or "<STYLE" in text:
        text = _DROPPED_BLOCKS.sub(" ", text)
    for tag, replacement in _PLAIN_TAGS:
        if tag in text:
            text = text.replace(tag, replacement)
    if "<" not in text:
        return text
    return _TAG.sub(_tag_replacement, text)


def _tag_replacement(match: re.Match[str]) -> str:
    """Return what one tag becomes in plain text."""
    name = (match.group(2) or "").lower()
    if name == "li":
        return "" if match.group(1) else "\n- "
    return "\n" if name in _BLOCK_TAGS else ""


def _decoded_entities(text: str) -> str:
    """Return `text` with HTML entities decoded once."""
    for entity, char in _COMMON_ENTITIES:
        if entity in text:
            text = text.replace(entity, char)
    if _OTHER_ENTITY.search(text):
        return html.unescape(text)
    return text.replace("&amp;", "&")
