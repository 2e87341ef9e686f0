"""Every model family on the CPU with transformers fp32: TTFT, decode tok/s and peak RSS per image
size, each as a ratio to Qwen2-VL-OCR-2B measured in the same run (first and again last, so
that a change of load during the run shows; the ratios are against its last pass).

Real-size random-weight checkpoints (the released dimensions, desktop_ocr/_dev/family_full.py)
are built once into --root; each family then runs in its own child process (bench/speed.py's
child), so that its peak RSS is its own. Random weights decode as fast as trained ones for the
same number of tokens; every family is held to --new-tokens (no early end token is cut short:
the count is reported).

    python bench/families.py --root bench/out/families                      # all, three sizes
    python bench/families.py --families qwen2-vl paddleocr-vl --sizes line --repeats 1
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REFERENCE = "qwen2-vl"
FAMILIES = ["qwen2-vl", "qwen2.5-vl", "qwen3-vl", "paddleocr-vl", "glm-ocr", "lighton-ocr-2"]
THREE_SIZES = ["line", "square", "fullhd"]
SPEED = Path(__file__).with_name("speed.py")


def checkpoint(root: Path, family: str) -> Path:
    """The real-size random checkpoint of a family, built on first use."""
    from desktop_ocr._dev.family_full import is_complete

    folder = root / family
    if not is_complete(folder):
        from desktop_ocr._dev.family_checkpoints import build_family_checkpoint

        print(f"building a real-size random {family} in {folder}", flush=True)
        build_family_checkpoint(folder, family, size="full")
    return folder


def run_family(folder: Path, args: argparse.Namespace) -> dict[str, Any] | None:
    command = [sys.executable, str(SPEED), "--child", "transformers", "--model", str(folder)]
    command += ["--device", "cpu", "--sizes", *args.sizes, "--repeats", str(args.repeats)]
    command += ["--new-tokens", str(args.new_tokens), "--agree-tokens", "1"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        print(f"{folder.name}: failed: {lines[-1] if lines else done.returncode}", flush=True)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_table(results: dict[str, dict[str, Any]]) -> None:
    reference = results.get(REFERENCE)
    if reference is None:
        print(f"no {REFERENCE} result: no ratios")
        return
    print(f"ratios against {REFERENCE} on transformers fp32, this run (TTFT, RSS: lower is better)")
    print(
        "| family | size | visual tokens | new tokens | TTFT s (×ref) | decode tok/s (×ref) "
        "| peak RSS GB (×ref) |"
    )
    print("|---|---|---|---|---|---|---|")
    for family, result in results.items():
        for size, row in result["rows"].items():
            ref = reference["rows"][size]
            print(
                f"| {family} | {size} | {row['visual']} | {row['new']} | "
                f"{row['ttft']:.2f} ({row['ttft'] / max(ref['ttft'], 1e-9):.2f}×) | "
                f"{row['tps']:.1f} ({row['tps'] / max(ref['tps'], 1e-9):.2f}×) | "
                f"{result['rss_gb']:.1f} ({result['rss_gb'] / max(reference['rss_gb'], 1e-9):.2f}×) |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", default="bench/out/families", help="where the real-size checkpoints live")
    parser.add_argument("--families", nargs="+", default=FAMILIES, choices=FAMILIES)
    parser.add_argument("--sizes", nargs="+", default=THREE_SIZES)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--table", action="store_true", help="print the table of --root's saved results only")
    args = parser.parse_args()
    if args.table:
        print_table(json.loads((Path(args.root) / "results.json").read_text()))
        return
    root = Path(args.root)
    families = [REFERENCE] + [f for f in args.families if f != REFERENCE]
    results: dict[str, dict[str, Any]] = {}
    saved = root / "results.json"  # each family's result as it comes, should the run be cut short
    for family in families:
        result = run_family(checkpoint(root, family), args)
        if result is not None:
            results[family] = result
            saved.write_text(json.dumps(results, indent=1))
            print(f"{family}: done", flush=True)
    if REFERENCE in results and len(results) > 1:
        # The reference again at the end: a machine whose load changed during the run shows here.
        again = run_family(checkpoint(root, REFERENCE), args)
        if again is not None:
            for size, row in again["rows"].items():
                first = results[REFERENCE]["rows"][size]["ttft"]
                print(f"{REFERENCE} {size}: TTFT first pass / last pass {first / max(row['ttft'], 1e-9):.2f}")
            results[REFERENCE] = again  # the ratios are against the last pass
            saved.write_text(json.dumps(results, indent=1))
    print_table(results)


if __name__ == "__main__":
    main()
