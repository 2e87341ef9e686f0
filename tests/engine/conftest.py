"""Fixtures the OpenVINO test modules share."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="module")
def ov_cache(tmp_path_factory: pytest.TempPathFactory):
    """Converted models go to a temporary cache, never the user's."""
    from desktop_ocr.engine.openvino_convert import converter_python

    python = converter_python()
    if python is None:
        message = "no OpenVINO converter: set DESKTOP_OCR_OV_CONVERTER to a Python with optimum-intel"
        if os.environ.get("CI"):
            pytest.fail(message + " (.ci/run sets one up: a skip there would hide the backend's tests)")
        pytest.skip(message)
    # The converter found here keeps being used while the cache moves to a temporary folder.
    saved = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "DESKTOP_OCR_OV_CONVERTER")}
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("ov-cache"))
    os.environ["DESKTOP_OCR_OV_CONVERTER"] = str(python)
    yield python
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
