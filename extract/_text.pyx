# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled ad text cleaning: the same strings as the pure-Python reference in extract/text.py
(`clean_text_reference`, `clean_title_reference`), one C pass per stage over the text's code points.

The stages and their order are the reference's: double-escaped HTML decoded, tags stripped, entities decoded,
invisible characters removed and whitespace normalised. Each pass reads the code points in the string's own width
(1, 2 or 4 bytes). Three rare inputs are handed to the reference's own helper for that one stage, so they stay
exact: `<script>`/`<style>`/`<!` (its regex runs first), a stray "<" that a removed tag could join into a new tag
(`<<b>p>`), and entities that need `html.unescape` (`&eacute;`, `&#8217;`).
"""
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport (
    Py_UNICODE_ISLINEBREAK,
    Py_UNICODE_ISSPACE,
    PyUnicode_DATA,
    PyUnicode_FromKindAndData,
    PyUnicode_KIND,
)
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memcmp, memcpy

ctypedef fused code_t:
    uint8_t
    uint16_t
    uint32_t

cdef extern from *:
    """
    #define SWAR_ONES 0x0101010101010101ULL
    #define SWAR_HIGHS 0x8080808080808080ULL
    """
    const uint64_t _ONES "SWAR_ONES"  # 0x01 in every byte of a word (a constant the C compiler folds)
    const uint64_t _HIGHS "SWAR_HIGHS"  # 0x80 in every byte
    int trailing_zeros "__builtin_ctzll" (unsigned long long value) noexcept


cdef enum Stage:
    DONE = 0
    DROPPED_BLOCKS_FIRST = 1  # the text holds "<!", "<script", "<style", "<SCRIPT" or "<STYLE"
    TAGS_INTERACT = 2  # a stray "<" could become a tag once a later tag is removed
    ENTITIES_UNESCAPED = 3  # an entity beyond the common ones: html.unescape decodes the whole text

cdef enum:
    _STACK_CODE_POINTS = 4096  # code points each of the two buffers holds on the stack (32 KiB in all)

cdef enum CharClass:
    WORD = 0
    SPACE = 1
    LINE_BREAK = 2
    INVISIBLE = 3

cdef enum TagKind:
    INLINE = 0
    BLOCK = 1
    LIST_ITEM = 2

cdef struct Text:
    const void *data  # the current text: the input, a held Python str or one of the two buffers
    int kind  # bytes a code point: 1, 2 or 4 (the PyUnicode kinds)
    Py_ssize_t size
    int buffer  # the buffer holding the text, -1 for a Python str
    void *buffers[2]
    Py_ssize_t capacity  # code points each buffer holds, at 4 bytes each
    bint allocated  # the buffers are on the heap (else in the caller's stack frame)

cdef unsigned char _ASCII_CLASS[128]
for _c in range(128):
    _ASCII_CLASS[_c] = (LINE_BREAK if len(("a" + chr(_c) + "b").splitlines()) > 1
                        else SPACE if chr(_c).isspace() else WORD)

cdef object _reference = None


cdef object reference():
    """Return the pure-Python module extract.text (imported on first use: it imports this module)."""
    global _reference
    if _reference is None:
        from extract import text
        _reference = text
    return _reference


cdef inline bint is_letter(uint32_t c) noexcept:
    return ((c | 0x20) - 97) < 26


cdef inline bint is_digit(uint32_t c) noexcept:
    return (c - 48) < 10


cdef inline bint is_hex_digit(uint32_t c) noexcept:
    return is_digit(c) or ((c | 0x20) - 97) < 6


cdef inline bint starts_with(const code_t *src, Py_ssize_t at, Py_ssize_t n, const char *ascii,
                             Py_ssize_t size) noexcept:
    """Return True when `src[at:at + size]` is the ASCII string `ascii`."""
    cdef Py_ssize_t k
    if at + size > n:
        return False
    for k in range(size):
        if src[at + k] != <code_t>ascii[k]:
            return False
    return True


cdef inline int char_class(uint32_t c) noexcept:
    """Return what `c` is to the whitespace rules (`str.split`/`splitlines`, after the invisible characters go)."""
    if c < 128:
        return _ASCII_CLASS[c]
    if c == 0x200b or c == 0x200c or c == 0x200d or c == 0xfeff:
        return INVISIBLE
    if Py_UNICODE_ISLINEBREAK(c):
        return LINE_BREAK
    if Py_UNICODE_ISSPACE(c):
        return SPACE
    return WORD


cdef int tag_kind(const code_t *name, Py_ssize_t size) noexcept:
    """Return how the tag named `name` (ASCII letters and digits, any case) is replaced."""
    cdef char low[10]
    cdef Py_ssize_t k
    cdef uint32_t first, second
    if size > 10:
        return INLINE
    first = name[0] | 0x20  # lower-cases ASCII letters and keeps digits
    if size == 1:
        return BLOCK if first == b'p' else INLINE
    second = name[1] | 0x20
    if size == 2:  # the common tags ("li", "ul", "h3", "br") without a loop
        if first == b'l' and second == b'i':
            return LIST_ITEM
        if first == b'h' and (b'1' <= second <= b'6' or second == b'r'):
            return BLOCK
        if ((first == b'b' and second == b'r') or (first == b'u' and second == b'l')
                or (first == b'o' and second == b'l') or (first == b't' and second == b'r')
                or (first == b'd' and (second == b'l' or second == b't' or second == b'd'))):
            return BLOCK
        return INLINE
    for k in range(size):
        low[k] = <char>(name[k] | 0x20)
    if size == 3:
        return BLOCK if memcmp(low, b"div", 3) == 0 or memcmp(low, b"pre", 3) == 0 else INLINE
    if size == 5:
        return BLOCK if (memcmp(low, b"table", 5) == 0 or memcmp(low, b"tbody", 5) == 0
                         or memcmp(low, b"thead", 5) == 0) else INLINE
    if size == 6:
        return BLOCK if memcmp(low, b"header", 6) == 0 or memcmp(low, b"footer", 6) == 0 else INLINE
    if size == 7:
        return BLOCK if memcmp(low, b"section", 7) == 0 or memcmp(low, b"article", 7) == 0 else INLINE
    if size == 10:
        return BLOCK if memcmp(low, b"blockquote", 10) == 0 else INLINE
    return INLINE


cdef inline bint starts_dropped_block(const code_t *src, Py_ssize_t at, Py_ssize_t n) noexcept:
    """Return True when the "<" at `at` is one the reference checks before running its script/style/comment regex."""
    return (starts_with(src, at, n, b"<!", 2) or starts_with(src, at, n, b"<script", 7)
            or starts_with(src, at, n, b"<style", 6) or starts_with(src, at, n, b"<SCRIPT", 7)
            or starts_with(src, at, n, b"<STYLE", 6))


cdef Py_ssize_t tag_end(const code_t *src, Py_ssize_t at, Py_ssize_t n, int *kind, bint *closing) noexcept:
    """Return the index after the tag at `at` (kind in `kind`), 0 for a literal "<", -1 if it may join a later tag."""
    cdef Py_ssize_t k = at + 1, name_start
    cdef uint32_t c
    closing[0] = False
    kind[0] = INLINE
    if k < n and src[k] == b'!':  # `<![^<>]*>`
        k += 1
    else:  # `<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*>`
        if k < n and src[k] == b'/':
            closing[0] = True
            k += 1
        if k >= n:
            return 0
        if src[k] == b'<':
            return -1
        if not is_letter(src[k]):
            return 0  # this character is never removed, so the "<" can never start a tag
        name_start = k
        k += 1
        while k < n and (is_letter(src[k]) or is_digit(src[k])):
            k += 1
        kind[0] = tag_kind(src + name_start, k - name_start)
    while k < n:
        c = src[k]
        if c == b'>':
            return k + 1
        if c == b'<':
            return -1
        k += 1
    return 0


cdef Py_ssize_t tags_stripped(const code_t *src, Py_ssize_t n, code_t *dst, bint blocks_dropped,
                              int *stage) noexcept:
    """Write `src` with its tags replaced into `dst`; return its length (or set `stage` for the reference to do it)."""
    cdef Py_ssize_t i = 0, w = 0, end
    cdef int kind
    cdef bint closing
    cdef code_t c
    cdef uint64_t chunk
    stage[0] = DONE
    while i < n:
        c = src[i]
        if c != b'<':
            if code_t is uint8_t:  # copy the run up to the next "<" eight bytes at a time
                while i + 8 <= n:
                    memcpy(&chunk, src + i, 8)  # little-endian: the first character in the low byte
                    memcpy(dst + w, &chunk, 8)  # the text never grows here, so eight bytes fit
                    chunk ^= 0x3C * _ONES  # a "<" becomes a zero byte
                    chunk = (chunk - _ONES) & ~chunk & _HIGHS  # exact up to the first zero byte
                    if chunk:
                        end = trailing_zeros(chunk) >> 3
                        i += end
                        w += end
                        break
                    i += 8
                    w += 8
                else:
                    while i < n and src[i] != b'<':
                        dst[w] = src[i]
                        w += 1
                        i += 1
            else:
                dst[w] = c
                w += 1
                i += 1
            continue
        if (not blocks_dropped and i + 1 < n and (src[i + 1] == b'!' or src[i + 1] | 0x20 == b's')
                and starts_dropped_block(src, i, n)):
            stage[0] = DROPPED_BLOCKS_FIRST
            return 0
        end = tag_end(src, i, n, &kind, &closing)
        if end < 0:
            stage[0] = TAGS_INTERACT
            return 0
        if end == 0:
            dst[w] = c
            w += 1
            i += 1
            continue
        if kind == LIST_ITEM and not closing:
            dst[w] = b'\n'
            dst[w + 1] = b'-'
            dst[w + 2] = b' '
            w += 3
        elif kind == BLOCK:
            dst[w] = b'\n'
            w += 1
        i = end
    return w


cdef bint is_other_entity(const code_t *src, Py_ssize_t at, Py_ssize_t n) noexcept:
    """Return True when `&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);` matches at `at`."""
    cdef Py_ssize_t k = at + 1, start
    if k >= n:
        return False
    if src[k] == b'#':
        k += 1
        if k < n and (src[k] == b'x' or src[k] == b'X'):
            k += 1
            start = k
            while k < n and is_hex_digit(src[k]):
                k += 1
        else:
            start = k
            while k < n and is_digit(src[k]):
                k += 1
        return k > start and k < n and src[k] == b';'
    if not is_letter(src[k]):
        return False
    k += 1
    while k < n and (is_letter(src[k]) or is_digit(src[k])):
        k += 1
    return k < n and src[k] == b';'


cdef struct Entity:
    char name[16]  # ASCII, NUL-padded
    Py_ssize_t size
    uint32_t decoded

# The reference's common entities (`extract.text._COMMON_ENTITIES`) and `&amp;`, loaded on first use (the
# reference module imports this one); -1 until then.
cdef Entity _ENTITIES[24]
cdef int _N_ENTITIES = -1


cdef int load_entities() except -1:
    """Fill `_ENTITIES` from the reference's table of common entities, then `&amp;`."""
    global _N_ENTITIES
    table = [*reference()._COMMON_ENTITIES, ("&amp;", "&")]
    if len(table) > 24 or not all(e.isascii() and len(e) < 16 and len(c) == 1 for e, c in table):
        raise ValueError("the compiled clean_text holds at most 24 ASCII entities of one character each")
    for k, (name, char) in enumerate(table):
        encoded = name.encode("ascii")
        memcpy(_ENTITIES[k].name, <const char *>encoded, len(encoded))
        _ENTITIES[k].size = len(encoded)
        _ENTITIES[k].decoded = ord(char)
    _N_ENTITIES = len(table)
    return 0


cdef inline Py_ssize_t common_entity(const code_t *src, Py_ssize_t at, Py_ssize_t n,
                                     uint32_t *decoded) noexcept:
    """Return the length of the common entity (or `&amp;`) at `at`, its character in `decoded`; 0 for none."""
    cdef int e
    for e in range(_N_ENTITIES):
        if starts_with(src, at, n, _ENTITIES[e].name, _ENTITIES[e].size):
            decoded[0] = _ENTITIES[e].decoded
            return _ENTITIES[e].size
    return 0


cdef Py_ssize_t entities_decoded(const code_t *src, Py_ssize_t n, uint32_t *dst, int *stage) noexcept:
    """Write `src` with the common entities and `&amp;` decoded into `dst`; return its length (or set `stage`)."""
    cdef Py_ssize_t i = 0, w = 0, size
    cdef uint32_t c, decoded
    stage[0] = DONE
    while i < n:
        c = src[i]
        if c == b'&':
            size = common_entity(src, i, n, &decoded)
            if size:
                dst[w] = decoded
                w += 1
                i += size
                continue
            if is_other_entity(src, i, n):
                stage[0] = ENTITIES_UNESCAPED
                return 0
        dst[w] = c
        w += 1
        i += 1
    return w


cdef bint has_escaped_tag(const code_t *src, Py_ssize_t n) noexcept:
    """Return True when `&lt;/?[a-zA-Z]` occurs in `src`."""
    cdef Py_ssize_t i, k
    for i in range(n - 4):
        if src[i] == b'&' and starts_with(src, i, n, b"&lt;", 4):
            k = i + 4
            if src[k] == b'/':
                k += 1
            if k < n and is_letter(src[k]):
                return True
    return False


cdef inline uint64_t printable_bytes(uint64_t chunk) noexcept:
    """Return 0x80 in each byte of `chunk` (ASCII only: no sum carries into the next byte) from 33 to 126."""
    return (chunk + 0x5F * _ONES) & ~(chunk + _ONES) & _HIGHS


cdef inline Py_ssize_t ascii_words_copied(const uint8_t *src, Py_ssize_t n, uint8_t *dst) noexcept:
    """Copy the start of the run of `lines_normalised`'s inner loop (printable ASCII, or a space before it) eight
    bytes at a time while they are ASCII; return how many were copied (the inner loop goes on from there)."""
    cdef Py_ssize_t i = 0
    cdef uint64_t chunk, following, spaces, kept
    while i + 9 <= n:
        memcpy(&chunk, src + i, 8)  # little-endian: the first character in the low byte
        memcpy(&following, src + i + 1, 8)
        if (chunk | following) & _HIGHS:
            break
        memcpy(dst + i, &chunk, 8)  # fits: the normalised text never outgrows the text read
        spaces = chunk ^ (0x20 * _ONES)
        spaces = ~((spaces + 0x7F * _ONES) | spaces) & _HIGHS  # exact for ASCII bytes
        kept = printable_bytes(chunk) | (spaces & printable_bytes(following))
        if kept != _HIGHS:
            i += trailing_zeros(~kept & _HIGHS) >> 3  # the kept bytes before the first other one
            break
        i += 8
    return i


cdef Py_ssize_t lines_normalised(const code_t *src, Py_ssize_t n, code_t *dst, bint one_line) noexcept:
    """Write the words of `src` into `dst` (" " in a line, "\\n" or with `one_line` " " between); return its length."""
    cdef Py_ssize_t i = 0, w = 0, copied
    cdef int gap = WORD, cls
    cdef uint32_t c
    while i < n:
        c = src[i]
        cls = WORD if c - 33 < 94 else char_class(c)  # printable ASCII other than space is a word character
        if cls == WORD:
            if gap != WORD and w:
                dst[w] = b'\n' if gap == LINE_BREAK and not one_line else b' '
                w += 1
            gap = WORD
            dst[w] = c
            w += 1
            i += 1
            if code_t is uint8_t:
                copied = ascii_words_copied(src + i, n - i, dst + w)
                i += copied
                w += copied
            while i < n:  # the rest of the word, and further words after single spaces
                c = src[i]
                if c - 33 >= 94 and not (c == b' ' and i + 1 < n and <uint32_t>src[i + 1] - 33 < 94):
                    break
                dst[w] = c
                w += 1
                i += 1
            continue
        if cls == LINE_BREAK:
            gap = LINE_BREAK
        elif cls == SPACE and gap == WORD:
            gap = SPACE
        i += 1
    return w


cdef inline int free_buffer(Text *t) noexcept:
    """Return the buffer that does not hold the current text."""
    return 1 if t.buffer == 0 else 0


cdef inline void text_written(Text *t, int buffer, int kind, Py_ssize_t size) noexcept:
    t.data = t.buffers[buffer]
    t.buffer = buffer
    t.kind = kind
    t.size = size


cdef str text_held(Text *t, str s):
    """Return `s`, now the current text of `t` (growing the buffers when `s` is longer than they are)."""
    cdef Py_ssize_t size = len(s)
    cdef void *grown
    if size > t.capacity:
        grown = PyMem_Malloc(2 * (size + 1) * 4)
        if grown == NULL:
            raise MemoryError()
        if t.allocated:
            PyMem_Free(t.buffers[0])
        t.buffers[0] = grown
        t.buffers[1] = <char *>grown + (size + 1) * 4
        t.capacity = size + 1
        t.allocated = True
    t.data = PyUnicode_DATA(s)
    t.kind = PyUnicode_KIND(s)
    t.size = size
    t.buffer = -1
    return s


cdef inline str text_str(Text *t):
    return PyUnicode_FromKindAndData(t.kind, t.data, t.size)


cdef bint escaped_tag_found(Text *t) noexcept:
    """Return True when the current text holds double-escaped HTML (`&lt;p&gt;`)."""
    if t.kind == 1:
        return has_escaped_tag(<const uint8_t *>t.data, t.size)
    if t.kind == 2:
        return has_escaped_tag(<const uint16_t *>t.data, t.size)
    return has_escaped_tag(<const uint32_t *>t.data, t.size)


cdef str decode_entities(Text *t):
    """Decode the entities of `t` once, as the reference's `_decoded_entities`; return the str it now holds, if any."""
    cdef int stage, buffer = free_buffer(t)
    cdef Py_ssize_t size
    cdef uint32_t *dst = <uint32_t *>t.buffers[buffer]
    if _N_ENTITIES < 0:
        load_entities()
    if t.kind == 1:
        size = entities_decoded(<const uint8_t *>t.data, t.size, dst, &stage)
    elif t.kind == 2:
        size = entities_decoded(<const uint16_t *>t.data, t.size, dst, &stage)
    else:
        size = entities_decoded(<const uint32_t *>t.data, t.size, dst, &stage)
    if stage == ENTITIES_UNESCAPED:
        return text_held(t, reference()._decoded_entities(text_str(t)))
    text_written(t, buffer, 4, size)
    return None


cdef Py_ssize_t tags_stripped_into(Text *t, int buffer, bint blocks_dropped, int *stage) noexcept:
    """Write the current text with its tags replaced into `buffer`; return its length."""
    if t.kind == 1:
        return tags_stripped(<const uint8_t *>t.data, t.size, <uint8_t *>t.buffers[buffer], blocks_dropped, stage)
    if t.kind == 2:
        return tags_stripped(<const uint16_t *>t.data, t.size, <uint16_t *>t.buffers[buffer], blocks_dropped, stage)
    return tags_stripped(<const uint32_t *>t.data, t.size, <uint32_t *>t.buffers[buffer], blocks_dropped, stage)


cdef str strip_tags(Text *t):
    """Strip the tags of `t`, as the reference's `_tags_stripped`; return the str it now holds, if any."""
    cdef int stage, buffer = free_buffer(t)
    cdef str before, dropped
    cdef Py_ssize_t size = tags_stripped_into(t, buffer, False, &stage)
    if stage == DROPPED_BLOCKS_FIRST:
        before = text_str(t)
        dropped = text_held(t, reference()._DROPPED_BLOCKS.sub(" ", before))
        buffer = free_buffer(t)
        size = tags_stripped_into(t, buffer, True, &stage)
        if stage == TAGS_INTERACT:
            return text_held(t, reference()._tags_stripped(before))
        text_written(t, buffer, t.kind, size)
        return None  # `dropped` is no longer read
    if stage == TAGS_INTERACT:
        return text_held(t, reference()._tags_stripped(text_str(t)))
    text_written(t, buffer, t.kind, size)
    return None


cdef str normalised_str(Text *t, bint one_line):
    """Return the current text of `t` with its whitespace normalised."""
    cdef int buffer = free_buffer(t)
    cdef void *dst = t.buffers[buffer]
    cdef Py_ssize_t size
    if t.kind == 1:
        size = lines_normalised(<const uint8_t *>t.data, t.size, <uint8_t *>dst, one_line)
    elif t.kind == 2:
        size = lines_normalised(<const uint16_t *>t.data, t.size, <uint16_t *>dst, one_line)
    else:
        size = lines_normalised(<const uint32_t *>t.data, t.size, <uint32_t *>dst, one_line)
    return PyUnicode_FromKindAndData(t.kind, dst, size)


cdef str cleaned(object html_or_text, bint one_line):
    """Return the clean text of `html_or_text` (one line when `one_line`)."""
    if not html_or_text:
        return ""
    cdef str text = html_or_text if type(html_or_text) is str else str(html_or_text)
    cdef str held = text, replaced
    cdef bint has_amp = "&" in text, has_lt = "<" in text
    cdef Text t
    cdef uint32_t on_stack[2 * _STACK_CODE_POINTS]  # most ads fit: no heap allocation
    t.capacity = len(text) + 1
    t.allocated = t.capacity > _STACK_CODE_POINTS
    t.buffers[0] = PyMem_Malloc(2 * t.capacity * 4) if t.allocated else <void *>on_stack
    if t.buffers[0] == NULL:
        raise MemoryError()
    t.buffers[1] = <char *>t.buffers[0] + t.capacity * 4
    text_held(&t, text)
    try:
        if has_amp and escaped_tag_found(&t):
            replaced = decode_entities(&t)
            held = replaced if replaced is not None else held
            has_lt = True
        if has_lt:
            replaced = strip_tags(&t)
            held = replaced if replaced is not None else held
        if has_amp:
            replaced = decode_entities(&t)
            held = replaced if replaced is not None else held
        return normalised_str(&t, one_line)
    finally:
        if t.allocated:
            PyMem_Free(t.buffers[0])


def clean_text(html_or_text) -> str:
    """Return the text with HTML stripped, entities decoded and whitespace normalised ("\\n" between lines)."""
    return cleaned(html_or_text, False)


def clean_title(html_or_text) -> str:
    """Return a title as one line of plain text."""
    return cleaned(html_or_text, True)
