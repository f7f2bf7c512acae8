"""The int8 sensitivity search (research/int8_sensitivity.py): what a change measures, that a unit left out of int8
stays fp32 in the graph, and the command on a few dev photos (skipped where ../shared/data is absent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest

from bench import cpu_paths
from bench.bench_backends import outputs_on
from research.int8_sensitivity import UNITS, Quantiser, change, main
from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor
from shared.paths import shared_data_dir


def _outputs(features: list[list[float]], looks: list[list[float]]) -> cpu_paths.Outputs:
    return np.array(features), np.zeros((len(features), 2)), np.array(looks)


def test_a_change_counts_the_kept_top1_answers_and_the_largest_feature_move() -> None:
    ref = _outputs([[0.5] * 8] * 4, [[0.6, 0.4], [0.6, 0.4], [0.3, 0.7], [0.3, 0.7]])
    moved = [[0.5] * 8, [0.5] * 8, [0.5] * 7 + [0.53], [0.5] * 8]  # valence of the third photo moves by 0.03
    got = change(_outputs(moved, [[0.6, 0.4], [0.45, 0.55], [0.3, 0.7], [0.3, 0.7]]), ref)
    assert got.top1_agreement == 0.75 and got.feature_max == pytest.approx(0.03)
    assert got.worst_feature == "valence" and not got.holds


def test_the_bounds_are_98_percent_kept_and_no_move_over_0_02() -> None:
    ref = _outputs([[0.5] * 8] * 50, [[0.6, 0.4]] * 50)
    one_flip = change(_outputs([[0.519] * 8] * 50, [[0.6, 0.4]] * 49 + [[0.4, 0.6]]), ref)
    assert one_flip.top1_agreement == 0.98 and one_flip.holds  # 98 % kept is inside the bound
    assert not change(_outputs([[0.519] * 8] * 50, [[0.6, 0.4]] * 48 + [[0.4, 0.6]] * 2), ref).holds
    assert not change(_outputs([[0.521] * 8] * 50, [[0.6, 0.4]] * 50), ref).holds


@pytest.fixture(scope="module")
def quantiser(tmp_path_factory: pytest.TempPathFactory) -> tuple[Predictor, Quantiser]:
    predictor = Predictor.load(DEFAULT_MODEL_PATH, device="cpu", backend="eager")
    return predictor, Quantiser(predictor, tmp_path_factory.mktemp("int8"), calibration=16)


def _dequantised_convs(path: Path) -> set[str]:
    """The Conv nodes whose weights are int8 (read through a DequantizeLinear). A fp32 node after an int8 one also
    reads a dequantised activation, so the weights, not the inputs, say which nodes were quantised."""
    graph = onnx.load(str(path)).graph
    dequantised = {out for node in graph.node if node.op_type == "DequantizeLinear" for out in node.output}
    return {node.name for node in graph.node if node.op_type == "Conv" and node.input[1] in dequantised}


@pytest.mark.slow
def test_only_the_units_asked_for_run_in_int8_and_none_gives_the_fp32_answers(
    quantiser: tuple[Predictor, Quantiser],
) -> None:
    predictor, quantise = quantiser
    assert _dequantised_convs(quantise.graph(())) == set()
    int8 = _dequantised_convs(quantise.graph(("conv head", "block 3")))
    assert int8 and all(name.startswith(UNITS["conv head"] + UNITS["block 3"]) for name in int8)
    images, stats = cpu_paths.model_inputs(predictor, cpu_paths.generated_scenes(8, seed=3))
    fp32 = cpu_paths.with_mapping(predictor, cpu_paths.ort_path(quantise.fp32, threads=1))
    none = cpu_paths.with_mapping(predictor, cpu_paths.ort_path(quantise.graph(()), threads=1))
    head = cpu_paths.with_mapping(predictor, cpu_paths.ort_path(quantise.graph(("conv head",)), threads=1))
    ref = outputs_on(fp32, images, stats)
    assert change(outputs_on(none, images, stats), ref).feature_max < 1e-5
    assert 0 < change(outputs_on(head, images, stats), ref).feature_max < 0.2  # int8 moves it, a little


@pytest.mark.slow
def test_the_command_measures_a_graph_on_dev_photos(capsys: pytest.CaptureFixture[str]) -> None:
    if not (shared_data_dir() / "affect" / "emotion6-dev" / "ratings.csv").is_file():
        pytest.skip(f"needs the rated photos at {shared_data_dir() / 'affect' / 'emotion6-dev'}; absent here")
    assert main(["--photos", "8", "--int8", "conv head", "--threads", "1", "--calibration", "16"]) == 0
    out = capsys.readouterr().out
    assert "8 photos of the Emotion6 dev half" in out and "int8: conv head" in out and "holds: " in out


def test_an_unknown_unit_is_refused_naming_the_units(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--int8", "block 99"])
    err = capsys.readouterr().err
    assert "unknown unit(s) block 99" in err and "conv head" in err
