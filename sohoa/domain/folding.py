"""Vietnamese folding: the one `fold` (no tone or vowel marks, đ -> d) and the `exact` form kept beside it.

Search indexes both forms: folding alone merges "hồ sơ" with "hổ sở", so the exact (accented) form ranks first.
"""

from __future__ import annotations

import unicodedata

# đ has no Unicode decomposition, so NFD alone would keep it; Ð (U+00D0, Icelandic eth) is what OCR and
# some fonts give for Đ.
_D_BAR = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def exact(text: str) -> str:
    """Accented, lowercase, NFC form: keeps "hồ sơ" apart from "hổ sở"."""
    return unicodedata.normalize("NFC", text).lower()


def fold(text: str) -> str:
    """Lowercase, NFC, without any Vietnamese tone or vowel mark; đ/Đ/Ð -> d ("Đỗ Thị Đạt" -> "do thi dat").

    On NFC input every letter stays one letter, so positions in `fold(text)` are positions in `text`.
    """
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower().translate(_D_BAR))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)
