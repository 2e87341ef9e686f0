"""The history: every recorded answer, searchable, in SQLite beside its images. No Qt.

store = open_history(keep=True, location="", days=0, records=0)
if store.warning: show it once
record_id = store.add(NewRecord(Source.SNIP, [NewPage(image, [Turn(question, answer)])], mode="text"))
store.search("inv 2024", limit=50)  # newest first, with snippets
"""

from .images import THUMBNAIL_HEIGHT, PageImage
from .opening import open_folder, open_history, read_only_reason
from .paths import DATA_DIR_ENV, data_dir, default_data_dir
from .reading import open_for_reading
from .records import NewPage, NewRecord, Page, Record, Source, State, Summary, Turn, first_line, stats_dict
from .search import MATCH_END, MATCH_START, fts_query, snippet_html, snippet_plain
from .store import HistoryError, HistoryStore, Retention

__all__ = [
    "DATA_DIR_ENV",
    "MATCH_END",
    "MATCH_START",
    "THUMBNAIL_HEIGHT",
    "HistoryError",
    "HistoryStore",
    "NewPage",
    "NewRecord",
    "Page",
    "PageImage",
    "Record",
    "Retention",
    "Source",
    "State",
    "Summary",
    "Turn",
    "data_dir",
    "default_data_dir",
    "first_line",
    "fts_query",
    "open_folder",
    "open_for_reading",
    "open_history",
    "read_only_reason",
    "snippet_html",
    "snippet_plain",
    "stats_dict",
]
