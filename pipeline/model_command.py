"""`python -m pipeline.model_command publish ...`: the `model` command group alone, for the model-pack image, which
has the inference dependencies but not what other command groups import as they register. Outside
pipeline/commands/ so the registry (pipeline.cli imports pipeline.commands) keeps no import cycle."""

from __future__ import annotations

import sys

from pipeline.cli import main

if __name__ == "__main__":
    sys.exit(main(["model", *sys.argv[1:]], only="model"))
