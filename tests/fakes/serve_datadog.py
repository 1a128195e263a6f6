"""Serve the fake Datadog API on 127.0.0.1 with the live state of a snapshot file, until killed.

CI runs the action itself (``uses: ./``) against it::

    PYTHONPATH=tests python -m fakes.serve_datadog examples/live-snapshot.json ENV_FILE &

Once listening it writes ``DD_API_KEY=…``, ``DD_APP_KEY=…`` (the fake's own keys, not secrets)
and ``DRIFTCHECK_API_URL=http://127.0.0.1:PORT`` to ENV_FILE, one a line, in one rename: a
reader that sees the file sees all of it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

from fakes.datadog_api import running


def main(argv: list[str]) -> int:
    snapshot, env_file = Path(argv[0]), Path(argv[1])
    entities = json.loads(snapshot.read_text(encoding="utf-8"))["entities"]
    connections = {name: entity["connections"] for name, entity in entities.items()}
    with running(connections=connections) as fake:
        partial = env_file.with_name(env_file.name + ".partial")
        partial.write_text("".join(f"{k}={v}\n" for k, v in fake.env().items()), "utf-8")
        os.replace(partial, env_file)
        threading.Event().wait()  # until killed
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
