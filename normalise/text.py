"""Length-preserving text normalisation shared by skill matching and extraction."""
from __future__ import annotations

import re

# Characters that end a token. '+', '#' and '.' (inside a token) belong to names such as C++, C#, .NET, Node.js;
# '-' and '/' become spaces, so "scikit-learn", "scikit learn" and "CI/CD" vs "CI CD" normalise alike.
_SEPARATORS = "\t\n\r\f\v!\"$%&'()*,/:;<=>?@[\\]^`{|}~-_" + "\u00a0\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201c\u201d\u2022\u00b7\u2026\u25cf\u25aa\u2192\u00ae\u2122"
_TRANSLATION = str.maketrans({ch: " " for ch in _SEPARATORS})
_SEPARATOR_CHARS = re.compile("[" + re.escape(_SEPARATORS) + "]")
# A dot is part of a token only when a letter or digit follows it ("node.js", ".net", "3.10"), not at a sentence end.
_LOOSE_DOT = re.compile(r"\.(?![0-9a-z])")
_SPACES = re.compile(r"\s+")
_VERSION = re.compile(r"(?<![a-z0-9])v?\d+(?:\.(?:\d+|x))*(?:\+)?(?![a-z0-9])")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def lowered(text: str) -> str:
    """Return `text` lower-cased with exactly the same length, so offsets carry over to the original."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


_ASCII_SEPARATORS = bytes(ch for ch in range(128) if chr(ch) in _SEPARATORS)
_BYTE_TRANSLATION = bytes.maketrans(_ASCII_SEPARATORS, b" " * len(_ASCII_SEPARATORS))


def match_text(text: str) -> str:
    """Return `text` lower-cased with token separators turned into spaces, padded with one space each side.

    The result is two characters longer than `text`; position i in `text` is position i + 1 here.
    """
    if text.isascii():  # fast path: a byte-table translation is several times quicker than str.translate
        spaced = text.lower().encode("ascii").translate(_BYTE_TRANSLATION).decode("ascii")
    else:
        spaced = _SEPARATOR_CHARS.sub(" ", lowered(text))  # a regex class beats str.translate on non-ASCII text
    return " " + _LOOSE_DOT.sub(" ", spaced) + " "


def surface_key(surface: str) -> str:
    """Return the canonical lookup key of a skill surface or skill string: normalised, single-spaced, stripped."""
    return _SPACES.sub(" ", match_text(surface)).strip()


def compact_key(surface: str) -> str:
    """Return the lookup key with all spaces removed ("power bi" and "powerbi" agree)."""
    return surface_key(surface).replace(" ", "")


def stripped_key(surface: str) -> str:
    """Return the lookup key without bracketed asides and version numbers ("Python 3.10 (advanced)" -> "python")."""
    return surface_key(_VERSION.sub(" ", _BRACKETED.sub(" ", lowered(surface))))
