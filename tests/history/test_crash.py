"""kill -9 in the middle of a loop of writes: every record reported as committed is there."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_ocr.history import open_folder

WRITER = r"""
import sys
from PIL import Image
from desktop_ocr.history import NewPage, NewRecord, Source, Turn, open_folder

store = open_folder(__import__("pathlib").Path(sys.argv[1]))
n = 0
while True:
    n += 1
    image = Image.new("RGB", (200 + n % 50, 120), (n % 256, 0, 0))
    record_id = store.add(NewRecord(Source.SNIP, [NewPage(image, [Turn("q", f"answer {n} " * 30)])]))
    store.add_turn(record_id, Turn("again?", f"follow-up {n}"))
    print(record_id, flush=True)  # reported only once committed
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_9_loses_no_committed_record(folder: Path) -> None:
    rng = random.Random(9)
    reported: list[int] = []
    for _round in range(10):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder)],
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        assert writer.stdout is not None
        wanted = rng.randint(3, 15)
        for _ in range(wanted):
            line = writer.stdout.readline()
            assert line, "the writer died"
            reported.append(int(line))
        os.kill(writer.pid, signal.SIGKILL)  # somewhere inside the next add
        rest = writer.stdout.read()  # what it printed before dying also counts as committed
        reported += [int(x) for x in rest.split()]
        writer.wait()
        assert writer.returncode == -signal.SIGKILL

    store = open_folder(folder)
    assert store.warning == ""
    for record_id in reported:
        got = store.get(record_id)
        assert got is not None, f"record {record_id} was reported committed but is gone"
        assert [t.answer.split()[0] for t in got.turns][-1] in ("follow-up", "answer")
        assert store.image(record_id) is not None
    assert store.count() >= len(reported)
    # No half-written record: every record has its page, image and turn.
    for summary in store.list(limit=None):
        got = store.get(summary.id)
        assert got is not None and got.turns and store.image(summary.id) is not None
