#!/usr/bin/env bash
# Build the PyInstaller bundle and check it as a user without Python would use it:
#   1. desktop-ocr --version
#   2. desktop-ocr --cli IMAGE --model FOLDER gives the same answer as the source install
#   3. the window opens (under Xvfb) and quits cleanly; settings and the model cache live in
#      the user's normal locations, not inside the bundle.
# Usage: bash bench/bundle_smoke.sh        (SKIP_BUILD=1 re-checks the last build)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=bench/out/bundle
mkdir -p "$OUT"  # $OUT/build is kept: PyInstaller caches its analysis there

if [ -z "${SKIP_BUILD:-}" ]; then  # SKIP_BUILD=1 re-checks the last bundle
    rm -rf "$OUT/dist"
    echo "::: build ($("$PY" -c 'import torch; print("torch", torch.__version__)'))"
    start=$(date +%s)
    "$PY" -m PyInstaller --noconfirm --log-level WARN \
        --distpath "$OUT/dist" --workpath "$OUT/build" build.spec
    echo "build time: $(( $(date +%s) - start )) s"
fi
BUNDLE="$OUT/dist/desktop-ocr"
echo "bundle size: $(du -sh "$BUNDLE" | cut -f1)"

# Run the bundle with no Python on PATH and none of the venv's variables.
run_bundle() { env -i HOME="$HOME" PATH=/usr/bin:/bin DISPLAY="${DISPLAY:-}" HF_HUB_OFFLINE=1 \
    XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}" DESKTOP_OCR_INSTANCE="${DESKTOP_OCR_INSTANCE:-}" \
    "$BUNDLE/desktop-ocr" "$@"; }

echo "::: 1. --version"
run_bundle --version

echo "::: 2. --cli gives the same answer as the source install"
MODEL="$OUT/tiny-model"
"$PY" -c "from desktop_ocr._dev.checkpoint import build_checkpoint; build_checkpoint('$MODEL', 'hub')" 2>/dev/null
"$PY" -c "
import numpy as np; from PIL import Image
Image.fromarray(np.random.default_rng(5).integers(0, 256, (90, 300, 3), dtype=np.uint8)).save('$OUT/page.png')"
ARGS=(--cli "$OUT/page.png" --model "$MODEL" --dtype float32 --max-new-tokens 40)
HF_HUB_OFFLINE=1 .venv/bin/desktop-ocr "${ARGS[@]}" > "$OUT/source.txt"
run_bundle "${ARGS[@]}" > "$OUT/bundle.txt"
cmp "$OUT/source.txt" "$OUT/bundle.txt"
echo "same answer ($(wc -c < "$OUT/source.txt") bytes)"

echo "::: 3. the window opens and quits cleanly; settings and cache outside the bundle"
export DESKTOP_OCR_INSTANCE="desktop-ocr-bundle-smoke-$$"
xvfb-run -a -s "-screen 0 1280x800x24 -noreset" bash -c "
    set -e
    env -i HOME='$HOME' PATH=/usr/bin:/bin LANG=C.UTF-8 XAUTHORITY=\"\$XAUTHORITY\" DISPLAY=\"\$DISPLAY\" HF_HUB_OFFLINE=1 DESKTOP_OCR_INSTANCE='$DESKTOP_OCR_INSTANCE' \
        '$BUNDLE/desktop-ocr' --model '$MODEL' --dtype float32 --verbose 2> '$OUT/window.log' &
    pid=\$!
    for i in \$(seq 1 120); do grep -q 'ready:' '$OUT/window.log' && break; sleep 0.5; done
    env -i HOME='$HOME' PATH=/usr/bin:/bin LANG=C.UTF-8 XAUTHORITY=\"\$XAUTHORITY\" DISPLAY=\"\$DISPLAY\" DESKTOP_OCR_INSTANCE='$DESKTOP_OCR_INSTANCE' \
        '$BUNDLE/desktop-ocr' --quit
    wait \$pid
"
cat "$OUT/window.log"
grep -q "ready:" "$OUT/window.log"
! grep -q "Traceback\|QThread: Destroyed" "$OUT/window.log"
settings=$(sed -n 's/^desktop-ocr: settings: //p' "$OUT/window.log")
cache=$(sed -n 's/^desktop-ocr: model cache: //p' "$OUT/window.log")
echo "settings file: $settings"
echo "model cache:   $cache"
case "$settings$cache" in *"$BUNDLE"*) echo "FAIL: user data inside the bundle"; exit 1 ;; esac
[ -n "$settings" ] && [ -n "$cache" ]
echo "bundle smoke test passed"
