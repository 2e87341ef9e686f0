"""Documents in the window: page-range and password dialogs, Save as, opening a document."""
