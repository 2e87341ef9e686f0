"""Per backend and weight format, per size class: TTFT, decode tok/s, peak RSS, load/convert time,
ratios against the reference from this same run, and the prefill compute floor.

Reference: transformers fp32 on a CPU; transformers' default generate (compile_decode off) on
a GPU. Each runtime runs in its own child process, so its peak RSS is its own.

    python bench/speed.py                                  # a tiny random model, built on the spot
    python bench/speed.py --model bench/out/qwen2vl-2b-random --repeats 3
    python bench/speed.py --runtimes transformers openvino:int8 openvino:fp16 --sizes strip line
    python bench/speed.py --device cuda --runtimes transformers transformers+compile

Runtimes: transformers (fp32 on CPU, the auto dtype on GPU), transformers+compile (static
cache + torch.compile'd decode, CUDA), openvino:fp16|int8|int4 (converted into the user's
cache on first use; set DESKTOP_OCR_OV_CONVERTER when the converter venv is elsewhere).
The first snip after warm_up() is also timed against the second ("first/second" column);
every run is a new image of its size class, as every snip is.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIZES = {"strip": (1000, 60), "line": (1000, 200), "square": (448, 448), "fullhd": (1920, 1080)}


def noise(width: int, height: int, seed: int) -> Any:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def peak_rss_gb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss * (1 if sys.platform == "darwin" else 1024) / 1e9


# --- the child: one runtime ------------------------------------------------------------------


def run_child(args: argparse.Namespace) -> None:
    from desktop_ocr.engine import Conversation, EngineOptions, prompt_for

    name, _, weights = args.child.partition(":")
    started = time.perf_counter()
    if name == "openvino":
        from desktop_ocr.engine.openvino_backend import OpenVINOBackend
        from desktop_ocr.engine.openvino_convert import convert
        from desktop_ocr.engine.options import WeightFormat

        fmt: WeightFormat = weights or "int8"  # type: ignore[assignment]
        options = EngineOptions(model=args.model, device="cpu", weights=fmt)
        convert(Path(args.model), fmt, lambda line: None)
        converted = time.perf_counter()
        backend: Any = OpenVINOBackend(options)
    else:
        from desktop_ocr.engine.local import LocalBackend, quiet_libraries

        quiet_libraries()
        dtype = "float32" if args.device == "cpu" else "auto"
        compiled = name == "transformers+compile"
        options = EngineOptions(model=args.model, device=args.device, dtype=dtype, compile_decode=compiled)  # type: ignore[arg-type]
        converted = started
        backend = LocalBackend(options)
    loaded = time.perf_counter()
    backend.warm_up()
    warmed = time.perf_counter()
    rows: dict[str, Any] = {}
    ids: dict[str, str] = {}
    for size_name in args.sizes:
        image = noise(*SIZES[size_name], seed=1)
        runs = []
        for run in range(args.repeats + 1):  # run 0 is "the first snip after warm-up"
            # A new image each run, as each snip is: OpenVINO GenAI's prefix cache would serve
            # a repeated image's prefill from memory and flatter every run after the first.
            snip = noise(*SIZES[size_name], seed=1 + run)
            answer = backend.generate(
                Conversation.start(snip, prompt_for("text")), max_new_tokens=args.new_tokens
            )
            runs.append(answer.stats)
        later = runs[1:]
        rows[size_name] = {
            "ttft": statistics.median(s.time_to_first_token or 0.0 for s in later),
            "tps": statistics.median(s.tokens_per_second or 0.0 for s in later),
            "first_over_second": (runs[0].time_to_first_token or 0) / (runs[1].time_to_first_token or 1),
            "visual": later[0].visual_tokens,
            "prompt": later[0].prompt_tokens,
            "new": later[0].new_tokens,
        }
        ids[size_name] = backend.generate(
            Conversation.start(image, prompt_for("text")), max_new_tokens=args.agree_tokens
        ).text
    print(
        json.dumps(
            {
                "convert_s": converted - started,
                "load_s": loaded - converted,
                "warm_up_s": warmed - loaded,
                "rss_gb": peak_rss_gb(resource.RUSAGE_SELF),
                "convert_rss_gb": peak_rss_gb(resource.RUSAGE_CHILDREN),
                "rows": rows,
                "texts": ids,
            }
        )
    )


# --- the parent: floor, children, table ------------------------------------------------------


def gemm_gflops(device: str) -> float:
    """Measured fp32 (CPU) or bf16 (GPU) GEMM speed, the kind of work a prefill is made of."""
    import torch

    dtype = torch.float32 if device == "cpu" else torch.bfloat16
    a = torch.randn(1024, 1536, dtype=dtype, device=device)
    b = torch.randn(1536, 1536, dtype=dtype, device=device)
    for _ in range(3):
        a @ b
    best = float("inf")
    for _ in range(5):
        if device == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        for _ in range(10 if device == "cpu" else 200):
            a @ b
        if device == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t)
    return 2 * 1024 * 1536 * 1536 * (10 if device == "cpu" else 200) / best / 1e9


def prefill_flops(model: Path, visual: int, prompt: int) -> float:
    """Matmul FLOPs of the vision tower, merger and language-model prefill (attention included)."""
    config = json.loads((model / "config.json").read_text())
    text = config.get("text_config") or config
    vision = config["vision_config"]
    h, inter, layers = text["hidden_size"], text["intermediate_size"], text["num_hidden_layers"]
    kv = h // text["num_attention_heads"] * text["num_key_value_heads"]
    lm_layer = 2 * h * h + 2 * h * kv + 3 * h * inter
    e, depth = vision["embed_dim"], vision["depth"]
    patches = visual * 4
    vis_block = 4 * e * e + 2 * e * int(e * vision.get("mlp_ratio", 4))
    merger = (4 * e) ** 2 + 4 * e * h
    patch_embed = 3 * 2 * 14 * 14 * e
    matmuls = (
        layers * lm_layer * prompt + depth * vis_block * patches + merger * visual + patch_embed * patches
    )
    attention = 2 * layers * h * prompt**2 + 2 * depth * e * patches**2
    return 2.0 * matmuls + 2.0 * attention


def build_tiny() -> Path:
    from desktop_ocr._dev.checkpoint import build_checkpoint

    return build_checkpoint(Path(tempfile.mkdtemp(prefix="speed-tiny-")), "native")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", help="model folder (default: a tiny random one, built now)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--runtimes", nargs="+", default=None, help="default: every available one")
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument(
        "--agree-tokens", type=int, default=16, help="greedy tokens compared to the reference"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args)
        return
    model = Path(args.model) if args.model else build_tiny()
    args.model = str(model)
    runtimes = args.runtimes or default_runtimes(args.device)
    gflops = gemm_gflops(args.device)
    print(f"model {model} · device {args.device} · GEMM {gflops:.0f} GFLOPS · repeats {args.repeats}")
    results: dict[str, dict[str, Any]] = {}
    for runtime in runtimes:
        command = [
            sys.executable,
            __file__,
            "--child",
            runtime,
            "--model",
            str(model),
            "--device",
            args.device,
        ]
        command += [
            "--sizes",
            *args.sizes,
            "--repeats",
            str(args.repeats),
            "--new-tokens",
            str(args.new_tokens),
        ]
        command += ["--agree-tokens", str(args.agree_tokens)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines()
            print(f"{runtime}: failed: {lines[-1] if lines else done.returncode}")
            continue
        results[runtime] = json.loads(done.stdout.strip().splitlines()[-1])
    print_table(results, args, model, gflops)


def default_runtimes(device: str) -> list[str]:
    from importlib.util import find_spec

    if device == "cuda":
        return ["transformers", "transformers+compile"]
    runtimes = ["transformers"]
    if find_spec("openvino_genai") is not None:
        runtimes += ["openvino:fp16", "openvino:int8", "openvino:int4"]
    return runtimes


def print_table(
    results: dict[str, dict[str, Any]], args: argparse.Namespace, model: Path, gflops: float
) -> None:
    if not results:
        return
    reference_name = next(iter(results))
    reference = results[reference_name]
    print(f"ratios against {reference_name} (TTFT: lower is better; decode: higher is better)")
    print(
        "| runtime | size | vis./prompt tok | TTFT s (×ref) | floor s | decode tok/s (×ref) | "
        f"1st/2nd TTFT | vs ref text ({args.agree_tokens} tok) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for runtime, result in results.items():
        for size_name, row in result["rows"].items():
            ref = reference["rows"][size_name]
            floor = prefill_flops(model, row["visual"], row["prompt"]) / (gflops * 1e9)
            mine, theirs = result["texts"][size_name], reference["texts"][size_name]
            shared = next(
                (i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b),
                min(len(mine), len(theirs)),
            )
            same = "identical" if mine == theirs else f"first {shared} chars"
            print(
                f"| {runtime} | {size_name} | {row['visual']}/{row['prompt']} | "
                f"{row['ttft']:.3f} ({row['ttft'] / max(ref['ttft'], 1e-9):.2f}×) | {floor:.3f} | "
                f"{row['tps']:.1f} ({row['tps'] / max(ref['tps'], 1e-9):.2f}×) | "
                f"{row['first_over_second']:.2f} | {same} |"
            )
    print("| runtime | convert s | load s | warm-up s | peak RSS GB | convert peak RSS GB |")
    print("|---|---|---|---|---|---|")
    for runtime, r in results.items():
        print(
            f"| {runtime} | {r['convert_s']:.1f} | {r['load_s']:.1f} | {r['warm_up_s']:.1f} | "
            f"{r['rss_gb']:.2f} | {r['convert_rss_gb']:.2f} |"
        )


if __name__ == "__main__":
    main()
