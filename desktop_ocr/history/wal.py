"""Is the write-ahead log intact? Checked before SQLite opens it, because SQLite drops every
frame from the first one that fails its checksum on, committed or not, without a word.

A frame that fails its checksum followed by a later commit of the same log means committed
transactions were damaged (a crash only ever cuts the last, uncommitted one). Damage inside
the last transaction alone cannot be told from such a cut write, and is not reported.
"""

from __future__ import annotations

import struct
from pathlib import Path

HEADER = 32
FRAME_HEADER = 24
MAGIC = 0x377F0682  # | 1 when the checksums are computed on big-endian words
MASK = 0xFFFFFFFF


def _checksum(data: bytes, big_endian: bool, s0: int, s1: int) -> tuple[int, int]:
    """SQLite's WAL checksum (two running 32-bit sums over pairs of words), continued from s0, s1."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & MASK
        s1 = (s1 + words[i + 1] + s0) & MASK
    return s0, s1


def wal_damage(path: Path) -> str:
    """'' when the log at `path` is absent, empty or intact; else what is damaged, in a few words."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ""
    if len(data) < HEADER:
        return ""  # SQLite treats a log without a whole header as empty: nothing was committed to it
    magic, _version, page_size, _seq, salt1, salt2, sum1, sum2 = struct.unpack(">8I", data[:HEADER])
    has_frames = len(data) >= HEADER + FRAME_HEADER + 512
    big_endian = bool(magic & 1)
    valid_size = page_size >= 512 and page_size <= 65536 and page_size & (page_size - 1) == 0
    if magic & ~1 != MAGIC or not valid_size or _checksum(data[:24], big_endian, 0, 0) != (sum1, sum2):
        return "its header is damaged" if has_frames else ""
    frame_size = FRAME_HEADER + page_size
    frames = (len(data) - HEADER) // frame_size
    sums = (sum1, sum2)
    bad = -1
    for index in range(frames):
        start = HEADER + index * frame_size
        _page, commit, frame_salt1, frame_salt2, frame_sum1, frame_sum2 = struct.unpack(
            ">6I", data[start : start + FRAME_HEADER]
        )
        current = (frame_salt1, frame_salt2) == (salt1, salt2)
        if bad < 0:
            if not current:
                return ""  # the rest are frames of an earlier, already checkpointed log
            sums = _checksum(data[start : start + 8], big_endian, *sums)
            sums = _checksum(data[start + FRAME_HEADER : start + frame_size], big_endian, *sums)
            if sums != (frame_sum1, frame_sum2):
                bad = index
        elif current and commit:
            return f"frame {bad + 1} of {frames} fails its checksum; later commits would be lost"
    return ""
