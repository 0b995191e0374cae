"""Pin what the suite depends on before anything imports Textual (a pytest plugin, loaded
with ``-p tests.environment`` ahead of the snapshot plugin, which imports Textual).

A learner's NO_COLOR, TEXTUAL_THEME or time zone must not change what the tests see;
animations are off (Textual reads TEXTUAL_ANIMATIONS once, when it is imported).
"""

from __future__ import annotations

import os
import time

os.environ["TEXTUAL_ANIMATIONS"] = "none"
os.environ.pop("NO_COLOR", None)
os.environ.pop("TEXTUAL_THEME", None)
os.environ.pop("FORCE_COLOR", None)
os.environ["TZ"] = "UTC"
for _name in [n for n in os.environ if n.startswith("STUDYPLAN_")]:
    del os.environ[_name]
if hasattr(time, "tzset"):
    time.tzset()
