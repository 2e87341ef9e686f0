"""History search over 10,000 realistic records: per-query time against the 50 ms target.

Builds a history of varied OCR-like answers (invoices, notes, code, formulas, e-mails, tables,
file names) in a temporary folder through the store's own API, then times each query as the
window would run it (a search for the first 100 results, plus the match count), and the time to
open the database and list the first page with its thumbnails.

    python bench/history_search.py [--records 10000] [--repeats 15] [--keep FOLDER]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from desktop_ocr.history import NewPage, NewRecord, PageImage, Source, Turn, open_folder

TARGET_MS = 50.0
_COMMON_TEXT = """the of and to in is for on that with as this by be at from it are or was an not we your
you will have all can more our has but one total date page number name time new please data use
report table value result order account service price amount customer project meeting team"""
COMMON = _COMMON_TEXT.split()
FIRST = ["Ana", "Bob", "Chen", "Dara", "Emil", "Fatima", "Goran", "Hiro", "Ines", "Jonas", "Kemal", "Lea"]
CITIES = ["Lisbon", "Osaka", "Zagreb", "Quito", "Tromsø", "Dakar", "Perth", "Brno", "Leipzig"]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    """Made-up words with a natural letter spread; used with a Zipf-like weight (few common, many rare)."""
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"] + [
        "qu",
        "sch",
        "th",
        "ing",
        "er",
        "tion",
    ]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(size)]


def answer(rng: random.Random, words: list[str], weights: list[float], n: int) -> str:
    def prose(count: int) -> str:
        picked = rng.choices(words, weights, k=count)
        for i in range(0, count, 4):
            picked[i] = rng.choice(COMMON)
        return " ".join(picked).capitalize() + "."

    kind = n % 6
    if kind == 0:
        lines = [
            f"INVOICE {2020 + n // 6 % 6}-{n:05d}",
            f"Customer: {rng.choice(FIRST)} {rng.choice(words).title()}",
        ]
        lines += [
            f"{rng.choice(words)} x{rng.randint(1, 9)}  {rng.uniform(1, 900):.2f} EUR" for _ in range(5)
        ]
        lines.append(
            f"Total due: {rng.uniform(100, 9000):,.2f} EUR by {rng.randint(1, 28)}.{rng.randint(1, 12)}."
        )
        return "\n".join(lines)
    if kind == 1:
        return f"Meeting notes {rng.choice(CITIES)}\n" + "\n".join(f"- {prose(12)}" for _ in range(6))
    if kind == 2:
        name = rng.choice(words)
        body = f"    total = 0\n    for {name}_item in items:\n        total += {name}_item.price\n"
        return f"def {name}(items):\n{body}    return total\n"
    if kind == 3:
        integral = rf"\int_0^{{{n % 9 + 1}}} {rng.choice(words)}(x)\,dx"
        return rf"$${integral} = \frac{{\alpha_{n % 7}}}{{\beta}} + \sum_{{k=1}}^n k^2$$"
    if kind == 4:
        who = rng.choice(FIRST)
        header = f"From: {who.lower()}@example.org\nSubject: {prose(5)}\n\n"
        return f"{header}Hi,\n{prose(40)}\n{prose(30)}\n\nBest, {who}"
    rows = "\n".join(
        f"| {rng.choice(words)} | {rng.randint(1, 999)} | {rng.choice(CITIES)} |" for _ in range(8)
    )
    return f"| item | qty | city |\n|---|---|---|\n{rows}\n\n{prose(25)}"


def build(folder: Path, count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words = vocabulary(rng, 20000)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    image = PageImage.encode(Image.effect_noise((64, 48), 40).convert("RGB"))
    store = open_folder(folder)
    start = time.perf_counter()
    for chunk in range(0, count, 1000):
        with store.batch():
            for n in range(chunk, min(count, chunk + 1000)):
                source = Source.FILE if n % 3 == 0 else Source.SNIP
                name = (
                    f"/home/ana/scans/{rng.choice(words)}_{n}.png" if source is Source.FILE else f"Snip {n}"
                )
                turns = [
                    Turn("Extract the text", answer(rng, words, weights, n), {"new_tokens": 100 + n % 400})
                ]
                if n % 10 == 0:
                    turns.append(
                        Turn(
                            f"what is the {rng.choice(COMMON)} {rng.choice(words)}?",
                            answer(rng, words, weights, n + 1),
                        )
                    )
                store.add(NewRecord(source, [NewPage(image, turns)], name=name, mode="text"))
    print(f"built {count:,} records in {time.perf_counter() - start:.1f} s")
    store.close()
    return words


def timed(call, repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the history in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="desktop-ocr-bench-"))
    try:
        if not (folder / "history.sqlite3").exists():
            words = build(folder, args.records)
        else:
            words = vocabulary(random.Random(7), 20000)
        size = sum(p.stat().st_size for p in folder.glob("history.sqlite3*")) / 1e6
        print(f"database: {size:.1f} MB")

        start = time.perf_counter()
        store = open_folder(folder)
        opened = (time.perf_counter() - start) * 1000
        first = store.list(limit=100)
        thumbs = [store.thumbnail(s.id) for s in first]
        listed = (time.perf_counter() - start) * 1000
        print(
            f"open: {opened:.0f} ms; open + first 100 rows with thumbnails: {listed:.0f} ms "
            f"(target < 1000 ms), {store.count():,} records, "
            f"{sum(map(len, filter(None, thumbs))):,} B of thumbnails"
        )

        queries = {
            "one letter (as typing starts)": "t",
            "prefix, common": "tot",
            "prefix, 3 letters": "inv",
            "common word": "the",
            "two words": "total due",
            "three words": "meeting notes lis",
            "rare word": words[19_000],
            "mid-frequency word": words[300],
            "file name": "scans",
            "number": "2024",
            "no match": "zzzzqx",
            "hostile input": '"tot* -(AND',
        }
        print(f"\n{'query':<32} {'matches':>8} {'median ms':>10} {'max ms':>8}   (search: first 100 + count)")
        worst = 0.0
        for label, query in queries.items():
            matches = store.count(query)
            median, peak = timed(lambda q=query: (store.search(q, limit=100), store.count(q)), args.repeats)
            worst = max(worst, median)
            flag = "ok" if median < TARGET_MS else "OVER"
            print(f"{label + ' ' + repr(query):<32.32} {matches:>8,} {median:>10.1f} {peak:>8.1f}   {flag}")
        typed = "invoice 2024 total"
        per_key = [
            timed(lambda q=typed[:i]: store.search(q, limit=100), 3)[0] for i in range(1, len(typed) + 1)
        ]
        print(
            f"\ntyping {typed!r} key by key: median {statistics.median(per_key):.1f} ms, "
            f"worst {max(per_key):.1f} ms"
        )
        print(f"worst median over the queries: {worst:.1f} ms (target < {TARGET_MS:.0f} ms)")
        store.close()
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
