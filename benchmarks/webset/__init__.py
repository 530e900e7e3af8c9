"""The web evaluation set: pages that place the mark with HTML and CSS at known CSS sizes, built by code."""
