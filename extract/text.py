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

`clean_text`/`clean_title` are the compiled twins in `extract/_text.pyx` when that extension is built (`COMPILED`),
else the pure-Python `clean_text_reference`/`clean_title_reference`, which are the specification: both give the
same string for every input.
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
# Attribute-free tags (the common case on job boards) are replaced by three cheap regex passes before the general one.
_PLAIN_INLINE = re.compile(r"</?(?:strong|b|em|i|u|span|font|small)>")
_PLAIN_BLOCK = re.compile(r"</?(?:p|div|ul|ol|h1|h2|h3|h4|tr|table)>")
_PLAIN_BREAK = re.compile(r"<br(?: ?/)?>")
_COMMON_ENTITIES = (("&nbsp;", " "), ("&pound;", "\u00a3"), ("&euro;", "\u20ac"), ("&quot;", '"'), ("&#39;", "'"),
                    ("&rsquo;", "\u2019"), ("&lsquo;", "\u2018"), ("&ndash;", "\u2013"), ("&mdash;", "\u2014"),
                    ("&lt;", "<"), ("&gt;", ">"))
_OTHER_ENTITY = re.compile(r"&(?!amp;)(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z]")
_INVISIBLE = str.maketrans({"\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\u2028": "\n", "\u2029": "\n"})


def clean_text_reference(html_or_text: str | None) -> str:
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
    return _lines_normalised(text)


def clean_title_reference(html_or_text: str | None) -> str:
    """Return a title as one line of plain text."""
    return " ".join(clean_text_reference(html_or_text).split())


def _tags_stripped(text: str) -> str:
    """Return `text` with tags removed: block tags become line breaks, `<li>` a "- " line."""
    if "<!" in text or "<script" in text or "<style" in text or "<SCRIPT" in text or "<STYLE" in text:
        text = _DROPPED_BLOCKS.sub(" ", text)
    text = _PLAIN_INLINE.sub("", text)
    text = _PLAIN_BLOCK.sub("\n", text)
    if "<li>" in text:
        text = text.replace("<li>", "\n- ")
    if "</li>" in text:
        text = text.replace("</li>", "")
    if "<br" in text:
        text = _PLAIN_BREAK.sub("\n", text)
    if "<" not in text:
        return text
    return _TAG.sub(_tag_replacement, text)


def _lines_normalised(text: str) -> str:
    """Return `text` with whitespace runs collapsed to one space, lines stripped and blank lines dropped."""
    if "  " not in text and "\n " not in text and " \n" not in text and text.replace("\n", " ").isprintable():
        # the only whitespace is single spaces between words and "\n" (every other space or break character is
        # unprintable): only blank lines and the outer spaces need removing
        return "\n".join(filter(None, text.split("\n"))).strip(" ")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


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


try:
    from extract._text import clean_text, clean_title
except ImportError:  # the extension is not built: the pure-Python reference does the same, only slower
    clean_text, clean_title = clean_text_reference, clean_title_reference
    COMPILED = False
else:
    COMPILED = True


def cue_search_reference(
    pattern: re.Pattern[str], lowered: str, cues: tuple[str, ...], back: int = 32, ahead: int = 48,
) -> bool:
    """Return True when `pattern` matches lower-cased text near one of `cues` (every match must hold a cue).

    Scanning a whole ad with an alternation of `\\b`-led phrases (or with `re.I`) is slow in Python's engine; the
    cue words are found with `str.find` and the pattern is searched only from `back` characters before each cue to
    `ahead` characters after it, so a pattern's matches must start at most `back` characters before their cue and
    end at most `ahead` characters after it. A match found in a window is confirmed against the whole text, so a
    word or lookahead cut at the window's end never counts.

    `cue_search` is the compiled twin in `extract/_cues.pyx` when that extension is built (`CUES_COMPILED`), else
    this function, which is the specification: both give the same answer for every input.
    """
    size = len(lowered)
    for cue in cues:
        at = lowered.find(cue)
        while at >= 0:
            end = min(size, at + len(cue) + ahead)
            match = pattern.search(lowered, max(0, at - back), end)
            while match is not None:
                if end == size or pattern.match(lowered, match.start()):
                    return True
                match = pattern.search(lowered, match.start() + 1, end)
            at = lowered.find(cue, at + 1)
    return False


try:
    from extract._cues import cue_search
except ImportError:  # the extension is not built: the pure-Python reference gives the same answers, only slower
    cue_search = cue_search_reference
    CUES_COMPILED = False
else:
    CUES_COMPILED = True
