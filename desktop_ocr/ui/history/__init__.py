"""The history list in the window: its model, delegate and panel."""
