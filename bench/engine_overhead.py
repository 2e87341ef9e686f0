"""Engine vs the model card's reference flow on a real-size random-weight Qwen2-VL-2B.

Both flows run on the same loaded model (so memory stays under 24 GB in fp32) and get the
same image, prompt, pixel budget and greedy decoding. Printed: time to first token and
decode tokens/s per case, and the engine's overhead as ratios against the reference,
measured in this same run (runs interleaved, medians of --repeats).

    python bench/engine_overhead.py [--dtypes bfloat16 float32] [--repeats 3] [--new-tokens 32]

The 4.4 GB checkpoint is built once under bench/out/ (never committed).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PIL import Image

CASES = {"one-line strip 1000×60": (1000, 60), "square 448×448": (448, 448)}
OUT = Path(__file__).resolve().parent / "out"


def noise(width: int, height: int, seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


class FirstTokenClock:
    """A streamer that only notes when the first new token arrives (for the reference flow)."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.prompt_seen = False
        self.first: float | None = None
        self.count = 0

    def put(self, value: Any) -> None:
        if not self.prompt_seen:
            self.prompt_seen = True
            return
        if self.first is None:
            self.first = time.perf_counter() - self.started
        self.count += 1

    def end(self) -> None:
        pass


def reference_run(model: Any, processor: Any, image: Image.Image, prompt: str, budget: Any, new_tokens: int):
    """The model card's flow, timed with a first-token clock."""
    import torch
    from qwen_vl_utils import process_vision_info

    started = time.perf_counter()
    messages = [
        {
            "role": "user",
            "content": [
                {
                    "type": "image",
                    "image": image,
                    "min_pixels": budget.min_pixels,
                    "max_pixels": budget.max_pixels,
                },
                {"type": "text", "text": prompt},
            ],
        }
    ]
    text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    image_inputs, video_inputs = process_vision_info(messages)
    inputs = processor(
        text=[text], images=image_inputs, videos=video_inputs, padding=True, return_tensors="pt"
    )
    clock = FirstTokenClock(started)
    with torch.inference_mode():
        ids = model.generate(**inputs, max_new_tokens=new_tokens, do_sample=False, streamer=clock)
    total = time.perf_counter() - started
    trimmed = ids[0, inputs.input_ids.shape[1] :]
    answer = processor.batch_decode([trimmed], skip_special_tokens=True, clean_up_tokenization_spaces=False)[
        0
    ]
    assert clock.first is not None
    return answer, clock.first, (clock.count - 1) / (total - clock.first)


def engine_run(backend: Any, image: Image.Image, prompt: str, new_tokens: int):
    from desktop_ocr.engine import Conversation

    chunks: list[str] = []
    answer = backend.generate(Conversation.start(image, prompt), chunks.append, max_new_tokens=new_tokens)
    assert "".join(chunks) == answer.text
    return answer.text, answer.stats.time_to_first_token, answer.stats.tokens_per_second, answer.stats


def timed_pair(
    backend: Any, processor: Any, image: Image.Image, prompt: str, new_tokens: int, engine_first: bool
):
    """One engine run and one reference run; which goes first alternates between repeats."""

    def engine() -> Any:
        return engine_run(backend, image, prompt, new_tokens)

    def reference() -> Any:
        return reference_run(backend.model, processor, image, prompt, backend.options.budget, new_tokens)

    if engine_first:
        first = engine()
        return first, reference()
    second = reference()
    return engine(), second


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dtypes", nargs="+", default=["bfloat16", "float32"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--checkpoint", type=Path, default=OUT / "qwen2-vl-2b-random")
    args = parser.parse_args()

    import torch
    from transformers import AutoProcessor

    from desktop_ocr._dev.checkpoint import build_checkpoint
    from desktop_ocr.engine import EngineOptions, prompt_for
    from desktop_ocr.engine.local import load_backend, quiet_libraries

    quiet_libraries()
    if not (args.checkpoint / "model.safetensors.index.json").exists():
        started = time.perf_counter()
        build_checkpoint(args.checkpoint, "hub", size="full")
        print(f"built the real-size random checkpoint in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} cores", flush=True)
    prompt = prompt_for("text")
    rows = []
    for dtype in args.dtypes:
        started = time.perf_counter()
        backend = load_backend(EngineOptions(model=str(args.checkpoint), device="cpu", dtype=dtype))
        processor = AutoProcessor.from_pretrained(args.checkpoint)
        print(f"\n{dtype}: loaded in {time.perf_counter() - started:.1f} s", flush=True)
        for name, size in CASES.items():
            image = noise(*size, seed=1)
            engine_run(backend, image, prompt, 2)  # warm-up: pages the weights in
            eng_ttft, eng_tps, ref_ttft, ref_tps = [], [], [], []
            stats = None
            for repeat in range(args.repeats):
                (e_text, e_ttft, e_tps, stats), (r_text, r_ttft, r_tps) = timed_pair(
                    backend, processor, image, prompt, args.new_tokens, engine_first=repeat % 2 == 0
                )
                assert e_text == r_text, "engine and reference disagree"
                eng_ttft.append(e_ttft)
                eng_tps.append(e_tps)
                ref_ttft.append(r_ttft)
                ref_tps.append(r_tps)
            row = {
                "dtype": dtype,
                "case": name,
                "tokens": stats.visual_tokens,
                "ref_ttft": statistics.median(ref_ttft),
                "eng_ttft": statistics.median(eng_ttft),
                "ref_tps": statistics.median(ref_tps),
                "eng_tps": statistics.median(eng_tps),
            }
            rows.append(row)
            print(
                f"  {name} ({row['tokens']} visual tokens): first token ref {row['ref_ttft']:.2f} s, "
                f"engine {row['eng_ttft']:.2f} s (×{row['eng_ttft'] / row['ref_ttft']:.3f}); decode ref "
                f"{row['ref_tps']:.2f} tok/s, engine {row['eng_tps']:.2f} tok/s "
                f"(×{row['eng_tps'] / row['ref_tps']:.3f})",
                flush=True,
            )
        del backend, processor
        gc.collect()

    print(
        "\n| dtype | case | visual tokens | TTFT ref | TTFT engine | ratio "
        "| tok/s ref | tok/s engine | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['dtype']} | {r['case']} | {r['tokens']} | {r['ref_ttft']:.2f} s | {r['eng_ttft']:.2f} s | "
            f"{r['eng_ttft'] / r['ref_ttft']:.3f} | {r['ref_tps']:.2f} | {r['eng_tps']:.2f} | "
            f"{r['eng_tps'] / r['ref_tps']:.3f} |"
        )
    if len(args.dtypes) > 1:
        first, second = args.dtypes[:2]
        for name in CASES:
            a = next(r for r in rows if r["dtype"] == first and r["case"] == name)
            b = next(r for r in rows if r["dtype"] == second and r["case"] == name)
            print(
                f"{name}: {first} vs {second}: first token ×{b['eng_ttft'] / a['eng_ttft']:.2f} faster, "
                f"decode ×{a['eng_tps'] / b['eng_tps']:.2f} faster"
            )


if __name__ == "__main__":
    main()
