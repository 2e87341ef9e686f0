"""The Runtime section (backend, weights, compiled decode) and what changing it does to the window."""

from __future__ import annotations

from dataclasses import replace

from desktop_ocr.core.settings_store import Settings
from desktop_ocr.engine.options import BACKENDS, WEIGHT_FORMATS
from desktop_ocr.ui.settings.dialog import SettingsDialog


def test_the_runtime_section_round_trips_and_offers_the_engines_choices(qtbot):
    settings = Settings(backend="openvino", weights="int4", compile_decode=False, uncertain_below=0.3)
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    backend, weights = dialog.editor("backend").input, dialog.editor("weights").input
    assert [backend.itemText(i) for i in range(backend.count())] == list(BACKENDS)
    assert [weights.itemText(i) for i in range(weights.count())] == list(WEIGHT_FORMATS)
    assert dialog.result_settings() == settings  # nothing shown is lost, nothing changed
    backend.setCurrentText("transformers")
    weights.setCurrentText("int8")
    dialog.editor("compile_decode").input.setChecked(True)
    result = dialog.result_settings()
    assert (result.backend, result.weights, result.compile_decode) == ("transformers", "int8", True)


def test_changing_the_weights_reloads_the_model(qtbot, app):
    with qtbot.waitSignal(app.session.model_loading, timeout=5000):
        app.apply_settings(replace(app.settings, weights="int4"))
    qtbot.waitUntil(lambda: app.model_ready, timeout=120_000)
    with qtbot.assertNotEmitted(app.session.model_loading, wait=200):
        app.apply_settings(replace(app.settings, auto_copy=True))


def test_conversion_lines_show_while_loading(qtbot, make_app):
    app = make_app(wait_ready=False)
    app.session.status.emit("converting to OpenVINO int8: 40%")  # as the worker relays them
    assert app.window.status.label.text() == "converting to OpenVINO int8: 40%"
    assert app.window.statusBar().currentMessage() == "converting to OpenVINO int8: 40%"
    qtbot.waitUntil(lambda: app.model_ready, timeout=120_000)
    assert app.window.status.label.text() == app.session.description
    assert app.window.statusBar().currentMessage() == ""
