"""Files a user hands the app: images and a PDF, written with Pillow."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from tests.conftest import noise_image


def image_file(path: Path, seed: int = 0, size: tuple[int, int] = (240, 80)) -> Path:
    noise_image(*size, seed=seed).save(path)
    return path


def pdf_file(path: Path, pages: int = 3) -> Path:
    """A PDF whose pages differ (a number drawn on each), saved by Pillow."""
    images = []
    for number in range(1, pages + 1):
        page = Image.new("RGB", (300, 400), "white")
        ImageDraw.Draw(page).text((40, 40 * number), f"Page {number}", fill="black")
        images.append(page)
    images[0].save(path, save_all=True, append_images=images[1:])
    return path


def stored_history(
    data_dir: Path,
    answers: list[tuple[str, str]],
    seed: int = 10,
    follow_ups: dict[str, list[tuple[str, str]]] | None = None,
    without_stats: tuple[str, ...] = (),
) -> None:
    """A history as an earlier run left it: one done record per (file name, answer), oldest first,
    with the (question, answer) follow-ups asked on the records named in `follow_ups`; those named
    in `without_stats` have none (as an older version stored them)."""
    from desktop_ocr.engine.stats import GenerationStats
    from desktop_ocr.history import NewPage, NewRecord, Source, Turn, stats_dict
    from desktop_ocr.history.opening import open_history

    store = open_history(location=str(data_dir))
    try:
        for offset, (name, answer) in enumerate(answers):
            image = noise_image(200, 60, seed=seed + offset)
            stats = GenerationStats((200, 60), (224, 56), 16, 40, 8, 0.25, 0.75)
            turn = Turn("Read the text", answer, {} if name in without_stats else stats_dict(stats))
            record_id = store.add(
                NewRecord(Source.FILE, [NewPage(image, [turn])], name=f"/home/user/{name}", mode="text")
            )
            for question, reply in (follow_ups or {}).get(name, []):
                store.add_turn(record_id, Turn(question, reply, stats_dict(stats)))
    finally:
        store.close()
