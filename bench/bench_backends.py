"""CPU paths for the served model compared: speed at batch 1, 8, 32 and how far each moves the outputs.

    python -m bench backends
    PRESSEDPLAY_BENCH_COMPILE=0 python -m bench backends   # no torch.compile (minutes of compiling on 2 cores)

Paths (bench/cpu_paths.py): eager PyTorch fp32 (the reference), eager channels_last, torch.compile (inductor),
ONNX Runtime fp32 (the service's CPU default), ONNX Runtime int8 (static QDQ, calibrated on generated scenes; all
convolutions, and a mixed variant keeping the stem, the first block and the conv head in fp32), and OpenVINO fp32 and
bf16 when the `openvino` extra is installed. Each is timed on the model alone (a preprocessed batch in, the served
features out) with intra-op threads pinned to the core count: all paths and sizes interleaved, min and median of
the repeats. Each path's outputs are compared with eager fp32's on the same photos (../shared/data/affect/
emotion6-dev where present, with the mood Spearman against its human ratings; else generated scenes). Writes the
`backends` section of bench/RESULTS.md; the service's default (docs/services-inference.md) follows it.
"""

from __future__ import annotations

import functools
import os
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np
import torch

from bench import cover_look, cpu_paths
from bench.results import machine_line, write_section
from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor
from shared.paths import REPO_ROOT

SIZES = (1, 8, 32)
AFFECT = REPO_ROOT.parent / "shared" / "data" / "affect" / "emotion6-dev"
# What "the metrics hold" means for a path to replace ONNX Runtime fp32 (issue 15).
MAX_FEATURE_CHANGE, MIN_TOP1_AGREEMENT, MAX_SPEARMAN_DROP = 0.02, 0.98, 0.01
MIN_SPEED_UP = 1.3  # at batch 32, against onnxruntime fp32: what 'clearly faster' means here


def build_paths(predictor: Predictor, folder: Path, threads: int) -> tuple[dict[str, cpu_paths.Run], dict[str, str]]:
    """The paths that could be built here, and for the others why not."""
    paths: dict[str, cpu_paths.Run] = {}
    notes: dict[str, str] = {}

    def add(name: str, build: Callable[[], cpu_paths.Raw]) -> None:
        try:
            paths[name] = cpu_paths.with_mapping(predictor, build())
        except Exception as exc:  # a missing or broken optional runtime must not hide the other paths
            notes[name] = f"not measured: {type(exc).__name__}: {exc}"[:200]

    add("eager fp32", lambda: cpu_paths.torch_path(predictor))
    add("eager channels_last", lambda: cpu_paths.torch_path(predictor, channels_last=True))
    if os.environ.get("PRESSEDPLAY_BENCH_COMPILE", "1") == "1":
        add("torch.compile (inductor)", lambda: cpu_paths.torch_path(predictor, compiled=True))
    else:
        notes["torch.compile (inductor)"] = "skipped (PRESSEDPLAY_BENCH_COMPILE=0)"
    fp32 = cpu_paths.export_fp32(predictor, folder)
    add("onnxruntime fp32", lambda: cpu_paths.ort_path(fp32, threads=threads))
    calibration = cpu_paths.generated_scenes(300, seed=1)

    def int8(keep: tuple[str, ...], out: Path) -> cpu_paths.Raw:
        quantised = cpu_paths.quantise_int8(predictor, fp32, out, calibration=calibration, keep_fp32=keep)
        return cpu_paths.ort_path(quantised, threads=threads)

    def openvino(precision: str) -> cpu_paths.Raw:
        return cpu_paths.openvino_path(fp32, threads=threads, precision=precision)

    for name, keep in (
        ("onnxruntime int8", cpu_paths.HEADS),
        ("onnxruntime int8 mixed", cpu_paths.HEADS + cpu_paths.EDGES),
    ):
        started = time.perf_counter()
        add(name, functools.partial(int8, keep, folder / f"{name.replace(' ', '-')}.onnx"))
        notes.setdefault(name, f"quantised in {time.perf_counter() - started:.0f} s")
    for precision in ("f32", "bf16"):
        add(f"openvino {precision}", functools.partial(openvino, precision))
    return paths, notes


def warm(
    paths: dict[str, cpu_paths.Run], inputs: tuple[np.ndarray, np.ndarray], notes: dict[str, str]
) -> dict[str, float]:
    """Run each path twice at each batch size (kernels are set up, torch.compile compiles, once per shape) and
    return how long that took; a path that fails here is dropped with its reason in `notes`."""
    images, stats = inputs
    first: dict[str, float] = {}
    for name, run in list(paths.items()):
        started = time.perf_counter()
        try:
            for size in SIZES:
                for _ in range(2):
                    run(images[:size], stats[:size])
        except Exception as exc:  # e.g. inductor without a C compiler
            notes[name] = f"not measured: {type(exc).__name__}: {exc}"[:200]
            del paths[name]
            continue
        first[name] = time.perf_counter() - started
        print(f"{name}: first calls {first[name]:.1f} s", flush=True)
    return first


def time_paths(
    paths: dict[str, cpu_paths.Run], inputs: tuple[np.ndarray, np.ndarray], *, repeats: int
) -> dict[tuple[str, int], list[float]]:
    """Seconds per call by (path, batch size), every path and size interleaved in each repeat."""
    images, stats = inputs
    times: dict[tuple[str, int], list[float]] = {}
    for _ in range(repeats):
        for size in SIZES:
            for name, run in paths.items():
                started = time.perf_counter()
                run(images[:size], stats[:size])
                times.setdefault((name, size), []).append(time.perf_counter() - started)
    return times


def outputs_on(run: cpu_paths.Run, images: np.ndarray, stats: np.ndarray) -> cpu_paths.Outputs:
    """A path's outputs for many photos, in batches of 32."""
    parts = [run(images[i : i + 32], stats[i : i + 32]) for i in range(0, len(images), 32)]
    features, mood, look = (np.concatenate([part[k] for part in parts]) for k in range(3))
    return features, mood, look


def evaluation_photos(predictor: Predictor) -> tuple[str, np.ndarray, np.ndarray, np.ndarray | None]:
    """(what they are, image batch, colour stats, human (valence, arousal) or None)."""
    if (AFFECT / "ratings.csv").is_file():
        from pipeline.mood.fit import read_ratings
        from services.inference.model.image_io import decode_image

        frame = read_ratings(AFFECT)
        photos = [decode_image((AFFECT / "images" / name).read_bytes()) for name in frame["file"]]
        images, stats = cpu_paths.model_inputs(predictor, photos)
        label = f"the {len(photos)} rated photos of ../shared/data/affect/emotion6-dev"
        return label, images, stats, frame[["valence", "arousal"]].to_numpy(dtype=float)
    photos = cpu_paths.generated_scenes(256, seed=2)  # another seed than the calibration's
    images, stats = cpu_paths.model_inputs(predictor, photos)
    return "256 generated scenes (../shared/data/affect is absent: no mood Spearman)", images, stats, None


def change_row(name: str, got: cpu_paths.Outputs, ref: cpu_paths.Outputs, human: np.ndarray | None) -> tuple[str, bool]:
    """A table row of how far `got` is from eager fp32's `ref`, and whether the metrics hold."""
    from pipeline.mood.fit import spearman

    feature, mood = np.abs(got[0] - ref[0]), np.abs(got[1] - ref[1])
    top1 = float(np.mean(got[2].argmax(axis=1) == ref[2].argmax(axis=1)))
    holds = feature.max() <= MAX_FEATURE_CHANGE and top1 >= MIN_TOP1_AGREEMENT
    rho = "-"
    if human is not None:
        rhos = [spearman(got[1][:, k], human[:, k]) for k in range(2)]
        drops = [spearman(ref[1][:, k], human[:, k]) - rhos[k] for k in range(2)]
        holds = holds and max(drops) <= MAX_SPEARMAN_DROP
        rho = f"{rhos[0]:.4f} / {rhos[1]:.4f}"
    cells = [f"{feature.max():.4f} / {feature.mean():.5f}", f"{mood.max():.3f} / {mood.mean():.4f}", f"{top1:.1%}", rho]
    return f"| {name} | {' | '.join(cells)} | {'yes' if holds else 'no'} |", bool(holds)


def speed_table(
    times: dict[tuple[str, int], list[float]], first: dict[str, float], notes: dict[str, str]
) -> tuple[list[str], dict[str, float]]:
    """The speed table's rows, and each path's speed-up over ONNX Runtime fp32 at batch 32 (best of the repeats)."""
    base = min(times.get(("onnxruntime fp32", 32), [float("nan")]))
    rows, gains = [], {}
    for name in first:
        cells = [
            f"{min(times[(name, s)]) / s * 1000:.1f} / {np.median(times[(name, s)]) / s * 1000:.1f}" for s in SIZES
        ]
        gains[name] = base / min(times[(name, 32)])
        note = "; ".join(filter(None, [f"{first[name]:.1f} s", notes.get(name)]))
        rows.append(f"| {name} | {' | '.join(cells)} | {gains[name]:.2f}x | {note} |")
    rows += [f"| {name} | - | - | - | - | {note} |" for name, note in notes.items() if name not in first]
    return rows, gains


def decision(gains: dict[str, float], holds: dict[str, bool]) -> str:
    """Which path the numbers say should serve: one clearly faster than ONNX Runtime fp32 whose metrics hold."""
    faster = {name: gain for name, gain in gains.items() if gain >= MIN_SPEED_UP}
    winners = [name for name in faster if holds.get(name)]
    if winners:
        best = max(winners, key=lambda name: gains[name])
        return f"Decision: {best} is {gains[best]:.2f}x onnxruntime fp32 at batch 32 and its metrics hold."
    listed = ", ".join(f"{name} {gain:.2f}x" for name, gain in faster.items()) or "none"
    return (
        f"Decision: onnxruntime fp32 stays the default. Paths at least {MIN_SPEED_UP}x as fast at batch 32: {listed};"
        " none of them holds the metrics (docs/services-inference.md, section CPU paths compared)."
    )


def openvino_version() -> str:
    """'OpenVINO x. ' when it is installed (machine_line names the other runtimes)."""
    try:
        return f"OpenVINO {metadata.version('openvino')}. "
    except metadata.PackageNotFoundError:
        return ""


def main() -> None:
    """Build every path, time them, compare their outputs, print and write the `backends` section."""
    threads = os.cpu_count() or 1
    torch.set_num_threads(threads)
    repeats = int(os.environ.get("PRESSEDPLAY_BENCH_REPEATS", "7"))
    predictor = Predictor.load(DEFAULT_MODEL_PATH, device="cpu", backend="eager", threads=threads)
    with tempfile.TemporaryDirectory() as folder:
        # A fresh inductor cache: the first calls then show what a service start would pay to compile.
        os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", str(Path(folder) / "inductor"))
        paths, notes = build_paths(predictor, Path(folder), threads)
        timing_inputs = cpu_paths.model_inputs(predictor, cpu_paths.generated_scenes(max(SIZES), seed=3))
        first = warm(paths, timing_inputs, notes)
        times = time_paths(paths, timing_inputs, repeats=repeats)
        label, images, stats, human = evaluation_photos(predictor)
        reference = outputs_on(paths["eager fp32"], images, stats)
        changes = {
            name: change_row(name, outputs_on(run, images, stats), reference, human) for name, run in paths.items()
        }
        covers = cover_look.accuracy_rows(predictor, paths)
    rows, gains = speed_table(times, first, notes)
    table = "\n".join([
        "## CPU paths for the served model: speed and output change",
        "",
        machine_line("cpu") + f" {openvino_version()}Intra-op threads pinned to {threads} for every path.",
        f"Command: `python -m bench backends`. Model: {DEFAULT_MODEL_PATH.name} ({predictor.version}).",
        f"Model alone: a preprocessed batch of generated scenes in, the 8 served features out; {repeats} repeats,",
        "all paths and batch sizes interleaved. ms per image, min / median of the repeats:",
        "",
        "| path | batch 1 | batch 8 | batch 32 | vs onnxruntime fp32 at 32 (min) | first calls (compiling); notes |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"Change of the outputs against eager fp32 on {label}. Features: the 8 normalised served features;",
        "mood: valence / arousal on the 1-9 scale; genre look: agreement of the top-1 genre; mood Spearman: the",
        "path's valence / arousal against the human ratings (the shipped mood head was fitted on these photos, so",
        f"read the change, not the level). Holds: features within {MAX_FEATURE_CHANGE}, top-1 agreement >= "
        f"{MIN_TOP1_AGREEMENT:.0%}, Spearman within {MAX_SPEARMAN_DROP}.",
        "",
        "| path | features max / mean abs | mood max / mean abs | genre top-1 agreed | mood Spearman v / a | holds |",
        "|---|---|---|---|---|---|",
        *(row for row, _ in changes.values()),
        "",
        "The genre look's own metric, top-1 accuracy on the held-out covers (one per release; ± one standard",
        "error), and how often each path's test answer is eager fp32's:",
        "",
        *covers,
        "",
        decision(gains, {name: held for name, (_, held) in changes.items()}),
    ])  # fmt: skip
    write_section("backends", table)
    print(table)
