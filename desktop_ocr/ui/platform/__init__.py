"""What the desktop offers: notifications, D-Bus types, global hotkeys, the tray, single instance."""
