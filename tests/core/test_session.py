"""The session's rules without a window, on the tiny model: one live request per record,
snapshots, Stop, follow-ups and reloads."""

from __future__ import annotations

import pytest

from desktop_ocr.core.records import SourceKind, State
from desktop_ocr.core.session import RecognitionSession
from desktop_ocr.engine import Conversation, EngineOptions, StopReason, prompt_for
from tests.conftest import noise_image

TEXT = prompt_for("text")
DESCRIBE = prompt_for("describe")


class Log:
    """Every finished and failed signal, by record."""

    def __init__(self, session: RecognitionSession) -> None:
        self.finished: list[tuple[int, StopReason]] = []
        self.failed: list[tuple[int, str]] = []
        session.finished.connect(lambda rid, answer: self.finished.append((rid, answer.stats.stop_reason)))
        session.failed.connect(lambda rid, failure: self.failed.append((rid, failure.message)))


@pytest.fixture
def make_session(qtbot, tiny_model):
    sessions: list[RecognitionSession] = []

    def make(max_new_tokens: int = 48, load: bool = True) -> RecognitionSession:
        options = EngineOptions(
            model=str(tiny_model), device="cpu", dtype="float32", max_new_tokens=max_new_tokens
        )
        session = RecognitionSession(options)
        sessions.append(session)
        if load:
            session.load()
        return session

    yield make
    for session in sessions:
        session.shut_down()


def expected(backend, image, question: str, max_new: int) -> str:
    return backend.generate(Conversation.start(image, question), max_new_tokens=max_new).text


def settled(session: RecognitionSession, *record_ids: int):
    return lambda: all(not session.records[r].busy for r in record_ids)


def test_recognize_again_while_the_model_loads_gives_one_clean_answer(qtbot, make_session, backend):
    session = make_session()
    log = Log(session)
    image = noise_image(300, 90, seed=1)
    record_id = session.add("a", SourceKind.FILE, image, "text", TEXT)
    assert not session.ready and session.queued == [record_id]
    session.recognize(record_id, DESCRIBE, mode="describe")
    session.recognize(record_id, TEXT, mode="text")
    assert session.queued == [record_id]  # replaced, not queued three times
    qtbot.waitUntil(settled(session, record_id), timeout=120_000)
    record = session.records[record_id]
    assert log.failed == []
    assert [rid for rid, _ in log.finished] == [record_id]
    assert log.finished[0][1] is not StopReason.CANCELLED
    assert record.state is State.DONE
    assert record.transcript() == expected(backend, image, TEXT, 48)
    assert len(record.turns) == 1


def test_recognize_again_while_streaming_restarts_cleanly(qtbot, make_session, backend):
    session = make_session(max_new_tokens=200)
    qtbot.waitUntil(lambda: session.ready, timeout=120_000)
    log = Log(session)
    image = noise_image(300, 90, seed=2)
    record_id = session.add("a", SourceKind.FILE, image, "text", TEXT)
    again: list[int] = []

    def on_chunk(rid: int, _text: str) -> None:
        if not again:
            again.append(rid)
            session.recognize(rid, DESCRIBE, mode="describe")

    session.chunk.connect(on_chunk)
    qtbot.waitUntil(lambda: bool(again) and settled(session, record_id)(), timeout=120_000)
    record = session.records[record_id]
    assert log.failed == []
    assert [rid for rid, _ in log.finished] == [record_id]  # the replaced answer says nothing
    assert log.finished[0][1] is not StopReason.CANCELLED
    assert record.state is State.DONE
    assert record.turns[0].question == DESCRIBE
    assert record.transcript() == expected(backend, image, DESCRIBE, 200)


def test_another_records_running_answer_is_not_cancelled(qtbot, make_session, backend):
    session = make_session(max_new_tokens=120)
    qtbot.waitUntil(lambda: session.ready, timeout=120_000)
    log = Log(session)
    first, second = noise_image(300, 90, seed=3), noise_image(300, 90, seed=4)
    a = session.add("a", SourceKind.FILE, first, "text", TEXT)
    b = session.add("b", SourceKind.FILE, second, "text", TEXT)
    acted: list[bool] = []

    def on_chunk(rid: int, _text: str) -> None:
        if rid == a and not acted:
            acted.append(True)
            assert session.running == a and session.queued == [b]
            session.recognize(b, DESCRIBE, mode="describe")  # twice for b: one live request
            session.recognize(b, TEXT, mode="text")
            assert session.queued == [b] and session.running == a

    session.chunk.connect(on_chunk)
    qtbot.waitUntil(lambda: bool(acted) and settled(session, a, b)(), timeout=120_000)
    assert log.failed == []
    assert session.records[a].state is State.DONE  # not cancelled by b's request
    assert session.records[b].state is State.DONE
    assert sorted(rid for rid, _ in log.finished) == [a, b]
    assert session.records[a].transcript() == expected(backend, first, TEXT, 120)
    assert session.records[b].transcript() == expected(backend, second, TEXT, 120)


def test_a_queued_record_keeps_its_place(qtbot, make_session):
    session = make_session(load=False)  # never ready: everything stays queued
    ids = [
        session.add(n, SourceKind.PASTE, noise_image(60, 60, seed=i), "text", TEXT)
        for i, n in enumerate("abc")
    ]
    assert session.queued == ids
    session.recognize(ids[1], DESCRIBE, mode="describe", urgent=False)
    assert session.queued == [ids[0], ids[2], ids[1]]  # replaced: the others keep their order
    session.recognize(ids[1], TEXT, mode="text")
    assert session.queued == [ids[1], ids[0], ids[2]]  # Recognize again goes first
    assert session.queued.count(ids[1]) == 1


def test_stop_cancels_the_running_one_and_drops_the_queue(qtbot, make_session):
    session = make_session(max_new_tokens=400)
    qtbot.waitUntil(lambda: session.ready, timeout=120_000)
    log = Log(session)
    a = session.add("a", SourceKind.FILE, noise_image(300, 90, seed=5), "text", TEXT)
    b = session.add("b", SourceKind.FILE, noise_image(300, 90, seed=6), "text", TEXT)
    session.chunk.connect(lambda *_: session.stop())
    qtbot.waitUntil(settled(session, a, b), timeout=120_000)
    assert session.records[a].state is State.CANCELLED
    assert session.records[a].partial  # the stopped answer is kept
    assert session.records[a].stats.new_tokens < 400
    assert session.records[b].state is State.CANCELLED and session.records[b].stats is None
    assert log.finished == [(a, StopReason.CANCELLED)] and log.failed == []


def test_follow_up_answers_the_same_image(qtbot, make_session, backend):
    session = make_session()
    qtbot.waitUntil(lambda: session.ready, timeout=120_000)
    image = noise_image(300, 90, seed=7)
    record_id = session.add("a", SourceKind.SNIP, image, "text", TEXT)
    assert not session.ask(record_id, "What colour?")  # a request is live: refused
    qtbot.waitUntil(settled(session, record_id), timeout=120_000)
    assert not session.ask(record_id, "   ")
    assert session.ask(record_id, "What colour?")
    qtbot.waitUntil(settled(session, record_id), timeout=120_000)
    record = session.records[record_id]
    assert [t.question for t in record.turns] == [TEXT, "What colour?"]
    conversation = Conversation.start(image, TEXT)
    backend.generate(conversation, max_new_tokens=48)
    conversation.ask("What colour?")
    assert record.turns[1].answer == backend.generate(conversation, max_new_tokens=48).text
    assert session.image(record_id) is image  # through the keeper seam


def test_reload_stops_and_loads_the_new_backend(qtbot, make_session, tiny_model, tmp_path):
    session = make_session()
    qtbot.waitUntil(lambda: session.ready, timeout=120_000)
    failures = []
    session.model_failed.connect(failures.append)
    session.load(EngineOptions(model=str(tmp_path / "missing"), device="cpu", dtype="float32"))
    assert not session.ready
    waiting = session.add("w", SourceKind.FILE, noise_image(60, 60), "text", TEXT)
    qtbot.waitUntil(lambda: bool(failures), timeout=60_000)
    assert "missing" in failures[0].message
    # It waits (the window says why: session.load_failure) and runs once a model loads.
    assert session.records[waiting].state is State.QUEUED and session.load_failure is failures[0]
    session.load(EngineOptions(model=str(tiny_model), device="cpu", dtype="float32", max_new_tokens=8))
    qtbot.waitUntil(lambda: session.ready, timeout=120_000)
    qtbot.waitUntil(settled(session, waiting), timeout=60_000)
    assert session.records[waiting].state is State.DONE
    assert session.records[waiting].stats.new_tokens <= 8
