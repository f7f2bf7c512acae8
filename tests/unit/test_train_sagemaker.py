"""The SageMaker launcher: a source archive whose entry runs `pressedplay train`, and a well-formed job request."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

from pipeline.training.sagemaker_launch import ENTRY_SCRIPT, source_archive, training_job_request
from pipeline.training.train import sagemaker_defaults


def test_source_archive_holds_the_packages_entry_and_requirements_but_no_caches(tmp_path: Path) -> None:
    with tarfile.open(source_archive(tmp_path / "src.tar.gz")) as archive:
        names = archive.getnames()
    assert ENTRY_SCRIPT in names and "requirements.txt" in names
    assert "services/inference/model/architectures.py" in names and "pipeline/training/train.py" in names
    assert not any("__pycache__" in n or n.startswith((".venv", "var", "data")) for n in names)


def test_the_entry_script_hands_its_arguments_to_pressedplay_train(tmp_path: Path) -> None:
    with tarfile.open(source_archive(tmp_path / "src.tar.gz")) as archive:
        archive.extractall(tmp_path / "code", filter="data")
    done = subprocess.run(
        [sys.executable, ENTRY_SCRIPT, "--help"], cwd=tmp_path / "code", capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "usage: pressedplay train" in done.stdout


def test_job_request_runs_our_entry_on_the_pytorch_container_with_a_train_channel() -> None:
    request: dict[str, Any] = training_job_request(
        job_name="job-1",
        role_arn="arn:aws:iam::123456789012:role/sm",
        source_uri="s3://b/code/job-1/sourcedir.tar.gz",
        train_uri="s3://b/dataset/",
        output_uri="s3://b/models/",
        region="us-east-2",
        hyperparameters={"arch": "effnet-vae", "epochs": "40"},
    )
    assert request["HyperParameters"]["sagemaker_program"] == ENTRY_SCRIPT
    assert request["HyperParameters"]["sagemaker_submit_directory"] == "s3://b/code/job-1/sourcedir.tar.gz"
    assert request["HyperParameters"]["epochs"] == "40"
    assert "pytorch-training" in request["AlgorithmSpecification"]["TrainingImage"]
    assert ".us-east-2." in request["AlgorithmSpecification"]["TrainingImage"]
    channel = request["InputDataConfig"][0]
    assert channel["ChannelName"] == "train"
    assert channel["DataSource"]["S3DataSource"]["S3Uri"] == "s3://b/dataset/"
    assert request["OutputDataConfig"]["S3OutputPath"] == "s3://b/models/"


def test_train_reads_sagemakers_model_dir_and_train_channel(monkeypatch: Any) -> None:
    monkeypatch.setenv("SM_MODEL_DIR", "/opt/ml/model")
    monkeypatch.setenv("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train")
    assert sagemaker_defaults() == {"out": Path("/opt/ml/model"), "data": Path("/opt/ml/input/data/train")}
