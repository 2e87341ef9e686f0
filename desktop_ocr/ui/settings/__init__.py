"""The Settings dialog: its sections and applying a changed settings object."""
