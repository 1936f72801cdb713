"""Run the real bot in a child process against a fake Discord served by the test process:
``FAKE_API=http://127.0.0.1:PORT/api/v10 FAKE_GATEWAY=ws://... python -m tests.faults.bot_process``
(the rest of the settings come from the environment, as for ``python -m bot run``)."""

from __future__ import annotations

import os
import sys

from bot.__main__ import main
from tests.fakediscord.runner import DiscordPatch

if __name__ == "__main__":
    with DiscordPatch(os.environ["FAKE_API"], os.environ["FAKE_GATEWAY"]):
        sys.exit(main(["run"]))
