#!/usr/bin/env bash
# The genre look's whole-backbone fine-tune on this CPU, and everything that decides whether to ship it, as one
# command for an IDLE machine (docs/model.md "The genre look, fine-tuned on the CPU"). Start it so it outlives the
# terminal, and watch it:
#
#   nohup bash scripts/cpu-look-finetune.sh > var/look-cpu/run.log 2>&1 &
#   tail -f var/look-cpu/finetune.log        # one line an epoch: loss, val top-1, minutes it took, time left
#
# Stopped (Ctrl-C, kill, a reboot)? Run the same command again: every step resumes or is skipped when done.
# 1. fine-tune (15 epochs, 224 px, batch 128 accumulated from micro-batches of 32): ~7.2 min an epoch, ~1.8 h on an
#    idle 2-core machine (3.4 s a step, `python -m bench finetune`), several times that beside other jobs. Its state
#    is saved after every epoch (var/look-cpu/run-state.pt); a rerun continues from the last finished epoch with the
#    same result as an unbroken run. Before epoch 1 it measures the parent on the same covers (~1-2 min).
# 2. the mood head and feature mapping refitted on the new backbone (`mood fit`, ~5 min: one backbone pass over the
#    rated photos, kept batch by batch, so a stop there resumes too);
# 3. the genre look as served on the held-out test covers, each as its file is (`look score`, ~1 min, the parent's
#    too, on the same covers), then on the model dataset's distorted copies (`evaluate`, ~6-15 min: it encodes the
#    model dataset with the new backbone; builds var/model-dataset first if missing, ~2 min);
# 4. what a person gets (`mood report`, ~2 min), the packed graph the CPU image serves (`model pack`), and the
#    verdict: SHIP or DO NOT SHIP with the reasons (pipeline/training/look_summary.py: >= 42 % served top-1 on the
#    held-out covers, better than the parent on the same covers, mood no worse).
# Writes into var/look-cpu/: run-state.pt, finetune.log, finetune.json, look.pt (the fine-tuned look),
# effnet-vae.pt (+ mood; effnet-vae.onnx beside it), evaluate.json, mood-report.json, summary.txt.
#
# Settings (environment): LOOK_OUT (var/look-cpu), LOOK_BASE (models/effnet-vae.pt), LOOK_COVERS (shared covers),
# LOOK_AFFECT (shared emotion6-dev), LOOK_DATA (var/model-dataset), LOOK_EPOCHS (15), LOOK_IMAGE_SIZE (224),
# LOOK_TRAIN_FROM (0: the whole backbone; 11: only the last two stages and the head conv, so the mood's
# early-stage taps stay the parent's), LOOK_PRESERVE (0: the look alone; W > 0 also holds the pooled stage outputs
# the mood reads near the parent's, pipeline/training/look_objective.py), LOOK_BATCH (128), LOOK_MICRO_BATCH (32), LOOK_THREADS (2), LOOK_PHOTOS (60 playlists), LOOK_CACHE (the commands'
# caches, default var/cache), LOOK_MAX_LOAD (1.0: the fine-tune refuses to start while the 1-minute load average is
# above it, since the timings need an idle machine).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
OUT=${LOOK_OUT:-var/look-cpu}
BASE=${LOOK_BASE:-models/effnet-vae.pt}
DATA=${LOOK_DATA:-var/model-dataset}
THREADS=${LOOK_THREADS:-2}
MAX_LOAD=${LOOK_MAX_LOAD:-1.0}
mkdir -p "$OUT"
cli() { "$PY" -m pipeline.cli "$@"; }
covers=() && [[ -n "${LOOK_COVERS:-}" ]] && covers=(--covers "$LOOK_COVERS")
affect=() && [[ -n "${LOOK_AFFECT:-}" ]] && affect=(--affect "$LOOK_AFFECT")
mood_cache=() && [[ -n "${LOOK_CACHE:-}" ]] && mood_cache=(--cache-dir "$LOOK_CACHE/affect")
data_cache=() && [[ -n "${LOOK_CACHE:-}" ]] && data_cache=(--cache-dir "$LOOK_CACHE/train-inputs")
stamp() { echo "$(date -u +%H:%M:%S) $*"; }

if [[ ! -f "$OUT/look.pt" ]]; then
  load=$(cut -d' ' -f1 /proc/loadavg)
  if awk -v l="$load" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }'; then
    echo "load average $load is above $MAX_LOAD: the fine-tune needs an idle machine (LOOK_MAX_LOAD to override)" >&2
    exit 3
  fi
  stamp "1/4 fine-tune (resumes from $OUT/run-state.pt when it is there; one line an epoch in $OUT/finetune.log)"
  cli look finetune --device cpu --threads "$THREADS" --resume --state "$OUT/run-state.pt" --base "$BASE" \
    --out "$OUT/look.pt" --epochs "${LOOK_EPOCHS:-15}" --image-size "${LOOK_IMAGE_SIZE:-224}" \
    --batch-size "${LOOK_BATCH:-128}" --micro-batch "${LOOK_MICRO_BATCH:-32}" \
    --train-from-block "${LOOK_TRAIN_FROM:-0}" --preserve "${LOOK_PRESERVE:-0}" "${covers[@]}" \
    > "$OUT/finetune.json" 2> >(tee -a "$OUT/finetune.log" >&2)
fi
if [[ ! -f "$OUT/effnet-vae.pt" ]]; then
  stamp "2/4 mood head on the new backbone"
  cli mood fit --base "$OUT/look.pt" --out "$OUT/effnet-vae.pt" "${affect[@]}" "${mood_cache[@]}"
fi
score() { # MODEL NAME: the served look of MODEL on the held-out test covers -> $OUT/NAME.json
  cli look score "$1" --threads "$THREADS" --json "${covers[@]}" > "$OUT/$2.json.tmp"
  mv "$OUT/$2.json.tmp" "$OUT/$2.json"
}
if [[ ! -f "$OUT/served-look.json" || ! -f "$OUT/served-look-parent.json" ]]; then
  stamp "3/4 the genre look as served, on the held-out covers as their files are (the parent's too)"
  score "$OUT/effnet-vae.pt" served-look
  score "$BASE" served-look-parent
fi
if [[ ! -f "$OUT/evaluate.json" ]]; then
  stamp "3/4 the genre look on the model dataset's distorted copies of the held-out covers"
  [[ -d "$DATA" ]] || cli dataset build --out "$DATA" --no-progress
  cli evaluate "$OUT/effnet-vae.pt" --data "$DATA" --threads "$THREADS" --json "${data_cache[@]}" \
    > "$OUT/evaluate.json.tmp"
  mv "$OUT/evaluate.json.tmp" "$OUT/evaluate.json"
fi
stamp "4/4 what a person gets, the packed graph, the verdict"
cli mood report "$OUT/effnet-vae.pt" --photos "${LOOK_PHOTOS:-60}" --json "${affect[@]}" "${mood_cache[@]}" \
  > "$OUT/mood-report.json.tmp"
mv "$OUT/mood-report.json.tmp" "$OUT/mood-report.json"
cli model pack "$OUT/effnet-vae.pt"
"$PY" -m pipeline.training.look_summary "$OUT" "$BASE" | tee "$OUT/summary.txt"
