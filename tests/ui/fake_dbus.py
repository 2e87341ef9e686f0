"""Small D-Bus services for the tests, speaking the real interfaces with strict signatures.

`python fake_dbus.py portal [--no-interface] [--refuse] [--registry] [--require-app-id]
[--screenshot=FILE]` owns org.freedesktop.portal.Desktop and implements GlobalShortcuts
(Request/Response with handle_token, Session.Close, Activated), Settings.Read/ReadOne, with
--registry the host app Registry (xdg-desktop-portal 1.19+; without it, Register is an unknown
method as on older portals), and Screenshot (writes a PNG to FILE, answers its uri).
Like the real portal, a connection's app id is fixed at its first portal call: Register after
any other call is refused with "Connection already associated with an application ID", and
the connection keeps the empty id (xdg-desktop-portal's src/xdp-app-info.c,
xdp_invocation_register_host_app_info_sync). With --require-app-id, CreateSession from a
connection without an app id is refused as GNOME's portal does ("An app id is required").
`python fake_dbus.py notifications` owns org.freedesktop.Notifications. Every
call is printed as one JSON line; the test drives signals through org.desktop_ocr.Test
(Press, Click). Runs on the bus in $DBUS_SESSION_BUS_ADDRESS; written with jeepney, not Qt,
so the wire format is checked by an independent implementation.
"""

from __future__ import annotations

import json
import sys

from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
NOTIFICATIONS = "org.freedesktop.Notifications"
INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"
PORTAL_FAILED = "org.freedesktop.portal.Error.Failed"
NOT_ALLOWED = "org.freedesktop.portal.Error.NotAllowed"
REGISTRY = "org.freedesktop.host.portal.Registry"
TEST = "org.desktop_ocr.Test"  # the test's own calls: no portal calls, they fix no app id
EXPECTED = {
    "CreateSession": "a{sv}",
    "BindShortcuts": "oa(sa{sv})sa{sv}",
    "Notify": "susssasa{sv}i",
    "Screenshot": "sa{sv}",
    "Register": "sa{sv}",
}


def report(**fields: object) -> None:
    print(json.dumps(fields, default=str), flush=True)


def main() -> None:
    kind = sys.argv[1]
    no_interface = "--no-interface" in sys.argv
    refuse = "--refuse" in sys.argv
    registry = "--registry" in sys.argv
    require_app_id = "--require-app-id" in sys.argv
    screenshot = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--screenshot=")), "")
    conn = open_dbus_connection(bus="SESSION")
    name = "org.freedesktop.portal.Desktop" if kind == "portal" else NOTIFICATIONS
    conn.send_and_get_reply(message_bus.RequestName(name, 4))
    report(ready=True)
    sessions: dict[str, str] = {}  # session path -> owner
    app_ids: dict[str, str] = {}  # connection (unique name) -> its app id, fixed at its first call
    next_id = 1
    while True:
        msg = conn.receive()
        if msg.header.message_type != MessageType.method_call:
            continue
        fields = msg.header.fields
        member = fields.get(HeaderFields.member)
        interface = fields.get(HeaderFields.interface)
        signature = fields.get(HeaderFields.signature, "")
        sender = fields[HeaderFields.sender]
        path = fields.get(HeaderFields.path)
        if kind == "portal" and interface != TEST and not (member == "Register" and interface == REGISTRY):
            app_ids.setdefault(sender, "")  # a host app's detected id: none
        app_id = app_ids.get(sender)
        report(
            member=member, interface=interface, signature=signature, path=path, body=msg.body,
            sender=sender, app_id=app_id,  # the caller's app id before this call
        )  # fmt: skip
        if member in EXPECTED and signature != EXPECTED[member]:
            conn.send(new_error(msg, INVALID_ARGS, "s", (f"expected {EXPECTED[member]}, got {signature}",)))
            continue
        caller = sender[1:].replace(".", "_")
        if member == "Get" and kind == "portal":
            if no_interface or msg.body[0] != SHORTCUTS:
                conn.send(new_error(msg, INVALID_ARGS, "s", (f"No such interface “{msg.body[0]}”",)))
            else:
                conn.send(new_method_return(msg, "v", (("u", 1),)))
        elif member == "Register" and registry and interface == REGISTRY:
            if sender in app_ids:
                message = "Could not register app ID: Connection already associated with an application ID"
                conn.send(new_error(msg, PORTAL_FAILED, "s", (message,)))
            else:
                app_ids[sender] = msg.body[0]
                conn.send(new_method_return(msg))
        elif member in ("Read", "ReadOne") and interface == "org.freedesktop.portal.Settings":
            conn.send(new_method_return(msg, "v", (("u", 0),)))  # color-scheme: no preference
        elif member == "CreateSession" and require_app_id and not app_id:
            conn.send(new_error(msg, NOT_ALLOWED, "s", ("An app id is required",)))
        elif member == "CreateSession" and not no_interface:
            options = msg.body[0]
            request = f"{PORTAL_PATH}/request/{caller}/{options['handle_token'][1]}"
            session = f"{PORTAL_PATH}/session/{caller}/{options['session_handle_token'][1]}"
            sessions[session] = sender
            conn.send(new_method_return(msg, "o", (request,)))
            respond(conn, request, 0, {"session_handle": ("s", session)})
        elif member == "BindShortcuts" and not no_interface:
            session, shortcuts, _parent, options = msg.body
            request = f"{PORTAL_PATH}/request/{caller}/{options['handle_token'][1]}"
            if sessions.get(session) != sender:
                conn.send(new_error(msg, INVALID_ARGS, "s", ("Invalid session",)))
                continue
            conn.send(new_method_return(msg, "o", (request,)))
            bound = [
                (sid, {"description": info["description"], "trigger_description": ("s", "Ctrl+Alt+S")})
                for sid, info in shortcuts
            ]
            if refuse:
                respond(conn, request, 1, {})
            else:
                respond(conn, request, 0, {"shortcuts": ("a(sa{sv})", bound)})
        elif member == "Screenshot" and screenshot:
            request = f"{PORTAL_PATH}/request/{caller}/{msg.body[1]['handle_token'][1]}"
            conn.send(new_method_return(msg, "o", (request,)))
            if refuse:
                respond(conn, request, 1, {})
            else:
                from PIL import Image

                Image.new("RGB", (64, 32), (200, 30, 30)).save(screenshot)
                respond(conn, request, 0, {"uri": ("s", f"file://{screenshot}")})
        elif member == "Close" and path in sessions:
            del sessions[path]
            conn.send(new_method_return(msg))
        elif member == "Press":
            for session in sessions:
                activated = new_signal(DBusAddress(PORTAL_PATH, interface=SHORTCUTS), "Activated", "osta{sv}")
                activated.body = (session, msg.body[0], 1234, {})
                conn.send(activated)
            conn.send(new_method_return(msg))
        elif member == "Notify":
            conn.send(new_method_return(msg, "u", (next_id,)))
            next_id += 1
        elif member == "GetCapabilities":
            conn.send(new_method_return(msg, "as", (["body", "actions"],)))
        elif member == "Click":
            emitter = DBusAddress(NOTIFICATIONS_PATH, interface=NOTIFICATIONS)
            invoked = new_signal(emitter, "ActionInvoked", "us")
            invoked.body = (int(msg.body[0]), str(msg.body[1]))
            conn.send(invoked)
            conn.send(new_method_return(msg))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"no {member}",)))


def respond(conn: object, request: str, code: int, results: dict) -> None:
    emitter = DBusAddress(request, interface="org.freedesktop.portal.Request")
    response = new_signal(emitter, "Response", "ua{sv}")
    response.body = (code, results)
    conn.send(response)  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
