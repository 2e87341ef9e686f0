"""Markdown + LaTeX to what the result pane shows, and to the formats the user copies."""
