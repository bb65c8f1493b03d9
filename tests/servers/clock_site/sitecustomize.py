"""Put a test server's Python processes on the tests' clock (see ``tests/servers/clock.py``).

Python imports ``sitecustomize`` at start-up from the first directory on ``sys.path`` that has
one; ``servers.clock.child_clock_env()`` puts this directory first on ``PYTHONPATH`` and sets
``HIPCOACH_TEST_CLOCK_OFFSET_S``. Without that variable this does nothing.
"""

from __future__ import annotations

import os

_offset = os.environ.get("HIPCOACH_TEST_CLOCK_OFFSET_S")
if _offset:
    import time

    import time_machine

    # Ticking: time moves on at its real pace from real time plus the offset.
    time_machine.travel(time.time() + float(_offset), tick=True).start()
