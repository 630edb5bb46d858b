"""The demo's seeded filler: it plays the cadres, the reviewing bodies and the Standing
Committee's secretariat on the generated workbooks, for ``make demo``, the tests and the
benchmark.  Not for users, and not part of the product: ``dotpha_xl`` never imports it.

``filler`` fills plans and reports and proposes a rating; ``cycle`` plays the assignment cycle
(registrations, proposals, decision) and uses ``filler``'s contract helpers; ``__main__`` is the
command line (``python -m dotpha_demo ...``) over both.
"""
