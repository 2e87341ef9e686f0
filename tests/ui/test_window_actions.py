"""The action table: every slot exists on the window, the toolbar names resolve, the welcome text."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop_ocr.ui.window.actions import ACTIONS, TOOLBAR, build_actions, build_toolbar, welcome_text
from desktop_ocr.ui.window.main_window import MainWindow


def test_every_action_calls_a_method_of_the_window():
    missing = [spec.slot for spec in ACTIONS if not callable(getattr(MainWindow, spec.slot, None))]
    assert missing == []
    assert len({spec.name for spec in ACTIONS}) == len(ACTIONS)


def test_actions_toolbar_and_welcome_text_come_from_the_table(qtbot):
    calls: list[str] = []

    class Host(QWidget):
        def __getattr__(self, name: str):
            return lambda: calls.append(name)

    host = Host()
    qtbot.addWidget(host)
    actions = build_actions(host)
    assert set(actions) == {spec.name for spec in ACTIONS}
    assert host.snip_action is actions["snip"]
    actions["again"].trigger()
    assert calls == ["recognize_again"]
    assert actions["again"].shortcut().toString() == "Ctrl+R"
    widgets = {name: QWidget() for name in TOOLBAR if name != "|" and name not in actions}
    toolbar = build_toolbar(actions, widgets)
    assert len(toolbar.actions()) == len(TOOLBAR)  # one entry per name, separators included
    text = welcome_text(actions)
    for spec in ACTIONS:
        if spec.welcome:
            shortcut = actions[spec.name].shortcut().toString()
            assert f"<code>{shortcut}</code>" in text
    assert "<b>Drop</b>" in text
