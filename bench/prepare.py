"""Migrate a scratch database and generate the world into it:
`python -m bench.prepare --world PATH --scale NAME` (database from GOVERN_DATABASE_URL)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from flask_migrate import upgrade

from bench import world as world_module
from bench.app import make_app
from bench.scale import SCALES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    args = parser.parse_args(argv)
    app = make_app()
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        world = world_module.build(SCALES[args.scale])
    world["generated_seconds"] = round(time.perf_counter() - started, 1)
    world_module.save(world, args.world)
    sys.stdout.write(json.dumps({"generated_seconds": world["generated_seconds"], "members": world["members"],
                                 "phases": world["phases"]}) + "\n")


if __name__ == "__main__":
    main()
