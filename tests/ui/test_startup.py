"""The window opens without torch: the model libraries are imported on the worker thread only."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.ui.conftest import write_noise

SCRIPT = textwrap.dedent(
    """
    import sys, threading, time
    importers = []

    class Spy:
        def find_spec(self, name, path=None, target=None):
            if name in ("torch", "transformers"):
                importers.append((name, threading.current_thread() is threading.main_thread()))
            return None

    sys.meta_path.insert(0, Spy())
    from PySide6.QtWidgets import QApplication
    from desktop_ocr.cli import build_parser, flags_given
    from desktop_ocr.ui.startup import create_app

    qt_app = QApplication(sys.argv[:1])
    args = build_parser().parse_args(sys.argv[1:])
    app = create_app(args, flags_given(args))
    app.window.show()
    qt_app.processEvents()
    print("torch imported before the window showed:", "torch" in sys.modules and
          any(main for _name, main in importers))
    deadline = time.time() + 120
    while not all(i.state.value == "done" for i in app.records.values()) and time.time() < deadline:
        qt_app.processEvents()
        time.sleep(0.01)
    print("states:", sorted(i.state.value for i in app.records.values()))
    print("main-thread imports:", [name for name, main in importers if main])
    print("worker imports:", sorted({name for name, main in importers if not main}))
    app.shut_down()
    """
)


def test_window_imports_torch_on_the_worker_thread_only(tiny_model, tmp_path):
    image = write_noise(tmp_path / "s.png")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            SCRIPT,
            str(image),
            "--model",
            str(tiny_model),
            "--dtype",
            "float32",
            "--max-new-tokens",
            "8",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**__import__("os").environ, "DESKTOP_OCR_SETTINGS": str(tmp_path / "settings.ini")},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert "states: ['done']" in lines
    assert "main-thread imports: []" in lines
    assert "worker imports: ['torch', 'transformers']" in lines


def test_explicit_flags_override_saved_settings_for_this_run(tmp_path):
    from PySide6.QtCore import QSettings

    from desktop_ocr.cli import build_parser, flags_given
    from desktop_ocr.core.settings_store import Settings, load_settings, save_settings

    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    save_settings(store, Settings(model="/saved/model", max_new_tokens=77, dtype="bfloat16", auto_copy=True))
    args = build_parser().parse_args(["--model", "/flag/model", "--max-pixels", "200704"])
    settings = load_settings(store).with_flags(args, flags_given(args))
    assert settings.model == "/flag/model" and settings.max_pixels == 200704
    assert settings.max_new_tokens == 77 and settings.dtype == "bfloat16" and settings.auto_copy
    assert load_settings(store).model == "/saved/model"  # the flags were not saved


def test_unreadable_saved_values_fall_back_to_defaults(tmp_path):
    from PySide6.QtCore import QSettings

    from desktop_ocr.core.settings_store import Settings, load_settings

    store = QSettings(str(tmp_path / "bad.ini"), QSettings.Format.IniFormat)
    store.setValue("max_new_tokens", "lots")
    store.setValue("mode", "poetry")
    store.setValue("min_pixels", "5")
    settings = load_settings(store)
    assert settings == Settings()
