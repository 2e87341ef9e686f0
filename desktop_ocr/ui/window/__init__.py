"""The main window: layout, actions, the answer pane, the image view and the status bar."""
