"""A labelled evaluation set for the scanner: the kit's marks placed under every condition and misuse.

    python -m benchmarks.evalset.generate --out DIR [--seed 0] [--size small|full]

Modules: :mod:`.compose` places a mark into an image with an exact pose (and
recolours, alters, crops, covers or crowds it); :mod:`.backgrounds` draws photos
and pages and finds carrier pages in the real PDF corpus; :mod:`.pdfwriter` and
:mod:`.pdfs` stamp marks onto PDF pages as vector paths or image XObjects;
:mod:`.images` and :mod:`.pdfs` build the cases :mod:`.plan` lists;
:mod:`.labels` is the ground truth written to ``labels.json``; :mod:`.preview`
draws contact sheets of a set with its ground truth.
"""
