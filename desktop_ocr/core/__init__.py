"""The application layer: the recognition session and its records, the worker thread, intake,
document runs, the history writer and the settings store. Qt core and gui only, no widgets."""
