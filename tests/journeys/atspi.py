"""A small AT-SPI client over jeepney: what a screen reader reads of the app's windows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection

ACCESSIBLE = "org.a11y.atspi.Accessible"
ROOT_PATH = "/org/a11y/atspi/accessible/root"
REGISTRY = "org.a11y.atspi.Registry"
PROPERTIES = "org.freedesktop.DBus.Properties"

# AtspiStateType, in order (at-spi2-core's atspi-constants.h).
STATES = [
    "invalid",
    "active",
    "armed",
    "busy",
    "checked",
    "collapsed",
    "defunct",
    "editable",
    "enabled",
    "expandable",
    "expanded",
    "focusable",
    "focused",
    "has-tooltip",
    "horizontal",
    "iconified",
    "modal",
    "multi-line",
    "multiselectable",
    "opaque",
    "pressed",
    "resizable",
    "selectable",
    "selected",
    "sensitive",
    "showing",
    "single-line",
    "stale",
    "transient",
    "vertical",
    "visible",
    "manages-descendants",
    "indeterminate",
    "required",
    "truncated",
    "animated",
    "invalid-entry",
    "supports-autocompletion",
    "selectable-text",
    "is-default",
    "visited",
    "checkable",
    "has-popup",
    "read-only",
]


def a11y_bus_address(session_address: str) -> str:
    """The accessibility bus's address, asked of org.a11y.Bus on the session bus ('' if none yet)."""
    with open_dbus_connection(session_address) as session:
        reply = session.send_and_get_reply(
            new_method_call(DBusAddress("/org/a11y/bus", "org.a11y.Bus", "org.a11y.Bus"), "GetAddress"),
            timeout=5,
        )
    return reply.body[0] if reply.header.message_type == MessageType.method_return else ""


class AtspiError(RuntimeError):
    pass


@dataclass
class Node:
    """One accessible object (bus name + object path) and the connection that reads it."""

    bus: Tree = field(repr=False)
    name_on_bus: str
    path: str

    def _call(self, interface: str, method: str, signature: str | None = None, body: tuple = ()) -> tuple:
        address = DBusAddress(self.path, self.name_on_bus, interface)
        reply = self.bus.connection.send_and_get_reply(
            new_method_call(address, method, signature, body), timeout=10
        )
        if reply.header.message_type == MessageType.error:
            raise AtspiError(f"{interface}.{method} on {self.path}: {reply.body}")
        return reply.body

    def _property(self, interface: str, name: str) -> object:
        return self._call(PROPERTIES, "Get", "ss", (interface, name))[0][1]

    # ----- Accessible
    @property
    def name(self) -> str:
        return str(self._property(ACCESSIBLE, "Name"))

    @property
    def description(self) -> str:
        return str(self._property(ACCESSIBLE, "Description"))

    @property
    def role(self) -> str:
        return str(self._call(ACCESSIBLE, "GetRoleName")[0])

    @property
    def states(self) -> set[str]:
        words = self._call(ACCESSIBLE, "GetState")[0]
        bits = sum(word << (32 * index) for index, word in enumerate(words))
        return {state for index, state in enumerate(STATES) if bits >> index & 1}

    @property
    def interfaces(self) -> list[str]:
        return list(self._call(ACCESSIBLE, "GetInterfaces")[0])

    def children(self) -> list[Node]:
        return [Node(self.bus, bus, path) for bus, path in self._call(ACCESSIBLE, "GetChildren")[0]]

    # ----- Text, Component
    @property
    def text(self) -> str:
        """The Text interface's whole text ('' for objects without one)."""
        if "org.a11y.atspi.Text" not in self.interfaces:
            return ""
        return str(self._call("org.a11y.atspi.Text", "GetText", "ii", (0, -1))[0])

    def text_attributes(self) -> dict[str, str]:
        """The text attributes at its first character (font-family, size, ...), as Qt reports them."""
        return dict(self._call("org.a11y.atspi.Text", "GetAttributes", "i", (0,))[0])

    def selection(self) -> tuple[int, int]:
        """The first selected range of the Text interface ((0, 0) when nothing is selected)."""
        if not self._call("org.a11y.atspi.Text", "GetNSelections")[0]:
            return 0, 0
        start, end = self._call("org.a11y.atspi.Text", "GetSelection", "i", (0,))
        return int(start), int(end)

    def range_extents(self, start: int, end: int) -> tuple[int, int, int, int]:
        """x, y, width, height on the screen of a text range."""
        x, y, width, height = self._call("org.a11y.atspi.Text", "GetRangeExtents", "iiu", (start, end, 0))
        return x, y, width, height

    def extents(self) -> tuple[int, int, int, int]:
        """x, y, width, height on the screen."""
        x, y, width, height = self._call("org.a11y.atspi.Component", "GetExtents", "u", (0,))[0]
        return x, y, width, height

    def centre(self) -> tuple[int, int]:
        x, y, width, height = self.extents()
        return x + width // 2, y + height // 2

    @property
    def showing(self) -> bool:
        return {"showing", "visible"} <= self.states

    @property
    def enabled(self) -> bool:
        return "enabled" in self.states

    # ----- searching
    def walk(self, depth: int = 40) -> Iterator[Node]:
        """This object and all below it (depth first), skipping branches that vanish meanwhile."""
        yield self
        if depth <= 0:
            return
        try:
            children = self.children()
        except AtspiError:
            return
        for child in children:
            yield from child.walk(depth - 1)

    def find_all(self, role: str | None = None, name: str | None = None, *, showing: bool = True,
                 contains: str | None = None) -> list[Node]:  # fmt: skip
        """Objects of that role and name (or name or text containing `contains`); shown ones by default."""
        found = []
        for node in self.walk():
            try:
                if role is not None and node.role != role:
                    continue
                if name is not None and node.name != name:
                    continue
                if contains is not None and contains not in node.name and contains not in node.text:
                    continue
                if showing and not node.showing:
                    continue
            except AtspiError:
                continue
            found.append(node)
        return found

    def find(self, role: str | None = None, name: str | None = None, **kwargs) -> Node | None:
        found = self.find_all(role, name, **kwargs)
        return found[0] if found else None

    def dump(self, depth: int = 0) -> str:
        """The tree as indented lines (role, name, states): for failure messages."""
        lines = []
        for node, level in _levels(self, depth):
            try:
                label = f"{node.role} {node.name!r}"
                text = node.text
                if text and text != node.name:
                    label += f" text={text[:60]!r}"
                label += " " + ",".join(
                    sorted(node.states & {"showing", "enabled", "focused", "selected", "checked", "editable"})
                )
            except AtspiError:
                label = "(gone)"
            lines.append("  " * level + label)
        return "\n".join(lines)


def _levels(node: Node, level: int) -> Iterator[tuple[Node, int]]:
    yield node, level
    try:
        children = node.children()
    except AtspiError:
        return
    for child in children:
        yield from _levels(child, level + 1)


class Tree:
    """A connection to the accessibility bus; `application(pid)` finds a process's root object."""

    def __init__(self, session_address: str) -> None:
        self.connection: DBusConnection = open_dbus_connection(a11y_bus_address(session_address))

    def close(self) -> None:
        self.connection.close()

    def applications(self) -> list[Node]:
        return Node(self, REGISTRY, ROOT_PATH).children()

    def application(self, pid: int) -> Node | None:
        """The application object with windows that process `pid` registered on the accessibility bus,
        if any yet."""
        for app in self.applications():
            reply = self.connection.send_and_get_reply(
                new_method_call(
                    DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus"),
                    "GetConnectionUnixProcessID", "s", (app.name_on_bus,),
                ),
                timeout=5,
            )  # fmt: skip
            if reply.header.message_type == MessageType.method_return and reply.body[0] == pid:
                # Under Qt's GTK theme the process holds two: GTK's bridge registers one without
                # windows beside Qt's. The one with windows is the app's.
                try:
                    if app.children():
                        return app
                except AtspiError:
                    continue
        return None
