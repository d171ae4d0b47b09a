"""Seeded generator of synthetic scanned Vietnamese administrative pages with ground truth, and sample batches.

    page = generate_page("decision", seed=7, level=2)   # image (BGR), dpi, text, lines, dossier_code, ...
    save_pages([page, other], "out/H21.65-220914-0011.1.pdf")
    batch = make_sample_batch("demo")                  # a small scanner folder + registry CSV + expectations
    photo = generate_page("form", 7, 2, capture="photo")  # also "faint", "screenshot", "lowres"; see capture.py
    photo.metadata["page_corners"]                     # the paper's corners in image pixels
"""

from benchmarks.synth.canvas import Line
from benchmarks.synth.capture import CAPTURES
from benchmarks.synth.content import Dossier, make_dossier
from benchmarks.synth.files import save_page, save_pages
from benchmarks.synth.page import KINDS, SyntheticPage, generate_page
from benchmarks.synth.sample import SampleBatch, SampleFile, make_sample_batch

__all__ = [
    "CAPTURES", "KINDS", "Dossier", "Line", "SampleBatch", "SampleFile", "SyntheticPage", "generate_page", "make_dossier",
    "make_sample_batch", "save_page", "save_pages",
]
