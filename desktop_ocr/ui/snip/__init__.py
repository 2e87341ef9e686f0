"""Snipping a region of the screen: the overlay, the flow around it and its hand-off to the app."""
