"""Screen grabbing and region geometry: platform handlers in a preference-ordered registry."""

from .geometry import Rect, ScreenGrab, crop
from .registry import CaptureError, available_handlers, grab_screens, handler_names

__all__ = [
    "CaptureError",
    "Rect",
    "ScreenGrab",
    "available_handlers",
    "crop",
    "grab_screens",
    "handler_names",
]
