"""Write CCDO's ready XLSForms (tonle/collect/ready_forms.py) into this folder."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tonle.collect.ready_forms import build

for path in build():
    print(path.name)
