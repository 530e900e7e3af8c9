"""The part of the evaluation set laid out by a real layout engine (headless Chromium)."""
