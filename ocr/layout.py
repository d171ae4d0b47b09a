"""Reading order for NĐ 30 page layouts: two-column runs (header, signature block) read column by column.

Tesseract joins words printed on the same baseline into one line even when they belong to two columns — the
agency name beside the national motto, "Nơi nhận" beside the signer — so its text interleaves the columns.
People (and search phrases) read each column top to bottom. These pure functions split such lines at wide gaps
and reorder runs of half-width lines: left column first, then right.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocr.model import Word


# A line split into this many pieces, this many of them amounts, is a table row (quantity, unit price, amount),
# read across as printed. The two-column runs of an NĐ 30 page split into two, or into three where a header line
# spaces its words widely, and hold no amounts.
TABLE_ROW_SEGMENTS = 3
TABLE_ROW_AMOUNTS = 2
AMOUNT_DIGIT_SHARE = 0.6


@dataclass(frozen=True)
class Segment:
    words: tuple[Word, ...]

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.left + w.width for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped by Tesseract line, in Tesseract's order, each line sorted left to right."""
    lines: list[list[Word]] = []
    key = None
    for word in words:
        k = (word.block, word.paragraph, word.line)
        if k != key:
            lines.append([])
            key = k
        lines[-1].append(word)
    return [sorted(line, key=lambda w: w.left) for line in lines]


def is_amount(segment: "Segment") -> bool:
    """Whether a segment is a number: most of its letters and digits are digits ("33,000", "1 HOP")."""
    chars = [ch for ch in segment.text if ch.isalnum()]
    return bool(chars) and sum(ch.isdigit() for ch in chars) >= AMOUNT_DIGIT_SHARE * len(chars)


def is_numbered_columns(segments: list["Segment"]) -> bool:
    """Whether a line is two or more numbered lists side by side, number then text in each ("3 | Số, ký hiệu của
    văn bản | 10 | Dấu chỉ mức độ mật": a form's two tables of fields). Each list is read top to bottom."""
    return len(segments) >= 4 and len(segments) % 2 == 0 and all(
        is_amount(s) == (i % 2 == 0) for i, s in enumerate(segments))


def is_table_row(segments: list["Segment"]) -> bool:
    return (len(segments) >= TABLE_ROW_SEGMENTS and sum(map(is_amount, segments)) >= TABLE_ROW_AMOUNTS
            and not is_numbered_columns(segments))


def split_line(line: list[Word], min_gap: float) -> list[Segment]:
    """Split a line where the gap between two words is wider than `min_gap` pixels."""
    segments: list[list[Word]] = [[line[0]]]
    for prev, word in zip(line, line[1:]):
        if word.left - (prev.left + prev.width) > min_gap:
            segments.append([])
        segments[-1].append(word)
    return [Segment(tuple(s)) for s in segments]


def column_gap(lines: list[list[Word]], page_width: int) -> float:
    """The narrowest gap that separates two columns: several times this page's ordinary word spacing.

    Justified lines stretch word spacing, so the bound never drops below a line height; tiny pages use a
    share of the width.
    """
    heights = sorted(w.height for line in lines for w in line)
    line_height = heights[len(heights) // 2]
    gaps = sorted(
        b.left - (a.left + a.width) for line in lines for a, b in zip(line, line[1:]) if b.left > a.left + a.width
    )
    word_gap = gaps[len(gaps) // 2] if gaps else line_height / 3
    return max(0.02 * page_width, 1.2 * line_height, 3.5 * word_gap)


# A line Tesseract joined across the two columns of a header, where the column gap is narrower than `column_gap`
# (a photo's small print, a long agency name): "UBND TỈNH THỪA THIÊN HUẾ  CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".
# One of its word gaps is several times its others, and it falls inside the column gap of the split line
# beside it. Justified body text stretches all the gaps of a line alike.
JOINED_GAP_RATIO = 3.0  # of the line's median other gap
JOINED_MIN_GAPS = 4  # other gaps, so that their median says what the line's word spacing is
# A speck read as a word inside the column gap ("HUẾ  à  CỘNG": a back page's show-through, a seal's dot) halves
# the gap; such a word, lower than this share of its line's median word and this unsure, does not part the gap.
SPECK_SHARE = 0.5
SPECK_UNSURE_BELOW = 30.0


def is_speck(word: Word, line_height: float) -> bool:
    return word.height < SPECK_SHARE * line_height and word.confidence < SPECK_UNSURE_BELOW


def joined_columns_gap(line: list[Word], beside: list[Segment]) -> int | None:
    """Where to split an unsplit `line` whose widest word gap lies inside the column gap of `beside` (a
    neighbouring line split into two columns): the index of the word after that gap, or None. Specks in the
    gap (`is_speck`) go with the left column."""
    heights = sorted(w.height for w in line)
    solid = [i for i, w in enumerate(line) if not is_speck(w, heights[len(heights) // 2])]
    if len(beside) != 2 or len(solid) < JOINED_MIN_GAPS + 2:
        return None
    words = [line[i] for i in solid]
    gaps = [b.left - (a.left + a.width) for a, b in zip(words, words[1:])]
    widest = max(range(len(gaps)), key=gaps.__getitem__)
    others = sorted(g for i, g in enumerate(gaps) if i != widest)
    median = max(others[len(others) // 2], 1)
    start, end = words[widest].left + words[widest].width, words[widest + 1].left
    if gaps[widest] < JOINED_GAP_RATIO * median or gaps[widest] <= max(others):
        return None
    if not (beside[0].right <= start and end <= beside[1].left):
        return None
    return solid[widest + 1]


def split_joined_columns(lines: list[list[Word]], segmented: list[list[Segment]]) -> list[list[Segment]]:
    """`segmented` with lines joined across a header's two columns split into them (see JOINED_GAP_RATIO)."""
    out = list(segmented)
    for i, segments in enumerate(segmented):
        if len(segments) != 1:
            continue
        for j in (i + 1, i - 1):
            if 0 <= j < len(segmented) and (cut := joined_columns_gap(lines[i], segmented[j])) is not None:
                out[i] = [Segment(tuple(lines[i][:cut])), Segment(tuple(lines[i][cut:]))]
                break
    return out


# Of the page width: how far a piece of a split line may run past the right column's start and still be a
# piece of the left column.
STRADDLE = 0.02


def straddling(lines: list[list[Segment]], boundary: float, slack: float) -> list[int]:
    """Indices of the split lines with a piece running across `boundary` by more than `slack` pixels."""
    return [i for i, segs in enumerate(lines) if len(segs) > 1 and any(
        s.left < boundary < s.right - slack for s in segs)]


def misfits(lines: list[list[Segment]], boundary: float, slack: float) -> int:
    """How many split lines `boundary` does not part into two columns: a piece runs across it, or every piece
    lies on one side of it."""
    across = set(straddling(lines, boundary, slack))
    one_sided = {i for i, segs in enumerate(lines) if len(segs) > 1 and len({s.left < boundary for s in segs}) == 1}
    return len(across | one_sided)


def joined(segments: list[Segment]) -> Segment:
    return Segment(tuple(w for s in segments for w in s.words))


def column_start(segments: list[Segment]) -> int:
    """Where the right column starts in a line split into pieces: the left of the piece after the widest gap."""
    gaps = [b.left - a.right for a, b in zip(segments, segments[1:])]
    return segments[1 + gaps.index(max(gaps))].left


def reading_order(words: list[Word], page_width: int) -> list[list[Segment]]:
    """Lines (as segments) in reading order; runs of half-width lines are emitted column by column.

    Returns paragraphs: each inner list is a run of segments to print one per line.
    """
    lines = group_lines(words)
    if not lines:
        return []
    min_gap = column_gap(lines, page_width)
    content_left = min(w.left for w in words)
    content_right = max(w.left + w.width for w in words)
    mid = (content_left + content_right) / 2

    out: list[list[Segment]] = []
    run: list[list[Segment]] = []

    def emit(lines_run: list[list[Segment]]) -> None:
        if not lines_run:
            return
        segments = [s for segs in lines_run for s in segs]
        split = [segs for segs in lines_run if len(segs) > 1]
        if split:
            # Lines split at a column gap say where the right column starts (in a line split more than once,
            # at its widest gap: "Số: 243   /KH-UBND" typed with spaces, then the place and date). Marks read as
            # words split too ("ri  TÊN" above the header, "rẺ  v NX" in the signature space), so the column
            # starts where the fewest split lines are not parted into two by it, and of those places at the
            # leftmost: centred lines below the motto start further right, never left of it.
            slack = STRADDLE * page_width
            starts = {column_start(segs) - 0.01 * page_width for segs in split}
            boundary = min(starts, key=lambda b: (misfits(lines_run, b, slack), b))
            # A split line with a piece still running across the boundary is no line of two columns but a
            # centred title or code split at a misread word ("GIẤY TIẾP NHẬN … KẾT  J2"): it is read on its own,
            # and the lines before and after it are runs of their own.
            across = next(iter(straddling(lines_run, boundary, slack)), None)
            if across is not None:
                emit(lines_run[:across])
                out.append(lines_run[across])
                emit(lines_run[across + 1:])
                return
            # Pieces of one line on the same side of the boundary are one line of that column.
            left = [joined(p) for segs in lines_run if (p := [s for s in segs if s.left < boundary])]
            right = [joined(p) for segs in lines_run if (p := [s for s in segs if s.left >= boundary])]
        else:
            left = [s for s in segments if s.right <= mid]
            right = [s for s in segments if s.right > mid]
            if not any(s.left >= mid for s in right):
                left, right = segments, []
        out.extend(group for group in (left, right) if group)

    def flush_run() -> None:
        emit(run)
        run.clear()

    segmented = split_joined_columns(lines, [split_line(line, min_gap) for line in lines])
    for segments in segmented:
        if is_table_row(segments):
            flush_run()
            out.append([Segment(tuple(w for s in segments for w in s.words))])
            continue
        half_width = len(segments) > 1 or segments[0].right <= mid or segments[0].left >= mid
        if half_width:
            run.append(segments)
        else:
            flush_run()
            out.append(segments)
    flush_run()
    return out
