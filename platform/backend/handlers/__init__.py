"""Lambda entry points: one module per function, each exposing ``handler``. Wiring only.

Importing this package starts the init phase without cyclic garbage collection; the entry
point (``backend.observability.lambda_entry``) ends it. See ``backend.init_phase``.
"""

from backend import init_phase

init_phase.begin()
