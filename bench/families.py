"""Every model family on the CPU, with transformers fp32 and OpenVINO: TTFT, decode tok/s and peak
RSS per image size, each as a ratio to Qwen2-VL-OCR-2B on transformers fp32 measured in the same
run (first and again last, so that a change of load during the run shows; the ratios are against
its last pass).

Real-size random-weight checkpoints (the released dimensions, desktop_ocr/_dev/family_full.py)
are built once into --root; each family then runs in its own child process (bench/speed.py's
child), so that its peak RSS is its own. Random weights decode as fast as trained ones for the
same number of tokens; every family is held to --new-tokens (no early end token is cut short:
the count is reported).

Every family runs each of --runtimes: transformers (fp32) and openvino:fp16|int8|int4, the
latter only for the families whose profile runs on OpenVINO (converted into the user's cache
on first use, as the app does; the conversion's time and peak RSS are printed). The reference
always runs on transformers, whatever --runtimes says.

    python bench/families.py --root bench/out/families                      # all, three sizes
    python bench/families.py --families qwen2-vl paddleocr-vl --sizes line --repeats 1
    python bench/families.py --families qwen2-vl qwen3-vl --runtimes openvino:int8 --results ov.json
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
REFERENCE_RUNTIME = "transformers"
RUNTIMES = ["transformers", "openvino:fp16", "openvino:int8", "openvino:int4"]
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


def runs_on(family: str, runtime: str) -> str:
    """Why a family cannot run on a runtime ("" when it can)."""
    from desktop_ocr.engine.families import PROFILES

    profile = next(p for p in PROFILES if p.key == family)
    if runtime.startswith("openvino") and not profile.openvino:
        return profile.why_not_openvino or "no OpenVINO"
    return ""


def label(family: str, runtime: str) -> str:
    """A result's key: the family alone on transformers, so that older result files still read."""
    return family if runtime == REFERENCE_RUNTIME else f"{family} {runtime}"


def run_family(folder: Path, runtime: str, args: argparse.Namespace) -> dict[str, Any] | None:
    command = [sys.executable, str(SPEED), "--child", runtime, "--model", str(folder)]
    command += ["--device", "cpu", "--sizes", *args.sizes, "--repeats", str(args.repeats)]
    command += ["--new-tokens", str(args.new_tokens), "--agree-tokens", "1"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        print(f"{label(folder.name, runtime)}: failed: {lines[-1] if lines else done.returncode}", flush=True)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_table(results: dict[str, dict[str, Any]]) -> None:
    reference = results.get(REFERENCE)
    if reference is None:
        print(f"no {REFERENCE} result: no ratios")
        return
    print(f"ratios against {REFERENCE} on transformers fp32, this run (TTFT, RSS: lower is better)")
    print(
        "| family | runtime | size | visual tokens | new tokens | TTFT s (×ref) | decode tok/s (×ref) "
        "| peak RSS GB (×ref) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for key, result in results.items():
        family, _, runtime = key.partition(" ")
        for size, row in result["rows"].items():
            ref = reference["rows"][size]
            print(
                f"| {family} | {runtime or REFERENCE_RUNTIME} | {size} | {row['visual']} | {row['new']} | "
                f"{row['ttft']:.2f} ({row['ttft'] / max(ref['ttft'], 1e-9):.2f}×) | "
                f"{row['tps']:.1f} ({row['tps'] / max(ref['tps'], 1e-9):.2f}×) | "
                f"{result['rss_gb']:.1f} ({result['rss_gb'] / max(reference['rss_gb'], 1e-9):.2f}×) |"
            )
    for key, result in results.items():
        if "openvino" in key:  # the converter runs in a process of its own: its peak is not above
            seconds, peak = result["convert_s"], result["convert_rss_gb"]
            print(f"{key}: conversion {seconds:.0f} s (0: converted before), converter peak {peak:.1f} GB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", default="bench/out/families", help="where the real-size checkpoints live")
    parser.add_argument("--families", nargs="+", default=FAMILIES, choices=FAMILIES)
    parser.add_argument("--sizes", nargs="+", default=THREE_SIZES)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--runtimes", nargs="+", default=[REFERENCE_RUNTIME], choices=RUNTIMES)
    parser.add_argument("--results", default="results.json", help="file name under --root for the results")
    parser.add_argument("--table", action="store_true", help="print the table of --root's saved results only")
    args = parser.parse_args()
    root = Path(args.root)
    saved = root / args.results  # each result as it comes, should the run be cut short
    if args.table:
        print_table(json.loads(saved.read_text()))
        return
    runs = [(REFERENCE, REFERENCE_RUNTIME)]
    for family in args.families:
        for runtime in args.runtimes:
            if (family, runtime) in runs:
                continue
            if why_not := runs_on(family, runtime):
                print(f"{label(family, runtime)}: skipped: {why_not}", flush=True)
                continue
            runs.append((family, runtime))
    results: dict[str, dict[str, Any]] = {}
    for family, runtime in runs:
        result = run_family(checkpoint(root, family), runtime, args)
        if result is not None:
            results[label(family, runtime)] = result
            saved.write_text(json.dumps(results, indent=1))
            print(f"{label(family, runtime)}: done", flush=True)
    if REFERENCE in results and len(results) > 1:
        # The reference again at the end: a machine whose load changed during the run shows here.
        again = run_family(checkpoint(root, REFERENCE), REFERENCE_RUNTIME, args)
        if again is not None:
            for size, row in again["rows"].items():
                first = results[REFERENCE]["rows"][size]["ttft"]
                print(f"{REFERENCE} {size}: TTFT first pass / last pass {first / max(row['ttft'], 1e-9):.2f}")
            results[REFERENCE] = again  # the ratios are against the last pass
            saved.write_text(json.dumps(results, indent=1))
    print_table(results)


if __name__ == "__main__":
    main()
