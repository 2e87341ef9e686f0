"""The status bar's right-side groups, and the room they leave for the passing message.

A QStatusBar draws its passing message in what its permanent widgets leave over, and cuts
it without a mark; a long model path took so much that a document's progress read
"report.pdf: page 2 of". Here the groups shorten themselves with an ellipsis (the whole text in
their tooltip), least needed first, so that the message is read whole.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QLabel, QSizeGrip, QStatusBar, QWidget

# Qt's "no maximum" for a widget's size (QWIDGETSIZE_MAX).
NO_LIMIT = (1 << 24) - 1
# Narrower than this a group says nothing useful; it keeps it and the message is cut instead.
SMALLEST_GROUP = 48
# Where Qt starts the passing message, and a little room after its last letter.
MESSAGE_LEFT = 6
MESSAGE_SLACK = 4


class StatusGroup(QLabel):
    """One group of the status bar's right side (marks, stats, model): set apart from the next
    by a rule and padding, hidden while it has nothing to say (no stray rule), and shortened
    with an ellipsis when the bar has no room for all of it."""

    STYLE = "QLabel { border-left: 1px solid palette(mid); padding-left: 8px; padding-right: 4px; }"

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.setStyleSheet(self.STYLE)
        self.full_text = ""
        self._whole = QSize()
        self.setText(text)

    def setText(self, text: str) -> None:
        self.full_text = text
        self.setAccessibleName(text)  # a screen reader reads the whole text, shortened or not
        super().setText(text)
        self._whole = super().sizeHint()  # as wide as the whole text, padding and rule included
        self.setVisible(bool(text))
        self.updateGeometry()
        self._fit()

    def text(self) -> str:
        return self.full_text

    def sizeHint(self) -> QSize:
        return QSize(self._whole)

    def minimumSizeHint(self) -> QSize:
        return QSize(min(self._whole.width(), SMALLEST_GROUP), self._whole.height())

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(
            self.full_text, Qt.TextElideMode.ElideRight, max(self.contentsRect().width(), 0)
        )
        if shown != super().text():
            super().setText(shown)
        self.setToolTip(self.full_text if shown != self.full_text else "")


class StatusRoom(QObject):
    """Keeps room for the bar's passing message: the groups give way in the order given."""

    def __init__(self, bar: QStatusBar, giving_first: list[StatusGroup]) -> None:
        super().__init__(bar)
        self.bar, self.groups = bar, giving_first
        bar.messageChanged.connect(lambda _message: self.arrange())
        bar.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.bar and event.type() == QEvent.Type.Resize:
            self.arrange()
        return False

    def arrange(self) -> None:
        message = self.bar.currentMessage()
        if not message:
            for group in self.groups:
                group.setMaximumWidth(NO_LIMIT)
            return
        shown = [group for group in self.groups if group.isVisible()]
        children = [
            child
            for child in self.bar.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if child.isVisible()
        ]
        # Qt draws the message from x = 6 to just left of the first permanent widget; each
        # permanent widget is followed by the layout's spacing, the size grip by a 1 px spacer.
        layout = self.bar.layout()
        spacing = max(layout.spacing(), 0) if layout is not None else 0
        widgets = [child for child in children if not isinstance(child, QSizeGrip)]
        fixed = sum(child.width() for child in children if child not in self.groups)
        fixed += spacing * len(widgets) + 1 + MESSAGE_LEFT + 1
        needed = self.bar.fontMetrics().horizontalAdvance(message) + MESSAGE_SLACK
        room = self.bar.width() - fixed - needed
        wanted = sum(group.sizeHint().width() for group in shown)
        for group in shown:  # the first ones give up what the message needs, as far as they can
            short = max(wanted - room, 0)
            width = max(group.sizeHint().width() - short, SMALLEST_GROUP)
            wanted -= group.sizeHint().width() - width
            group.setMaximumWidth(width if width < group.sizeHint().width() else NO_LIMIT)
