"""Inference service settings, read from INFERENCE_* environment variables (and an optional .env)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.service_settings import ServiceSettings


def _default_model_uri() -> str:
    # Imported when a Settings is built, not when this module is (the model package reads numpy and PIL).
    from services.inference.model.packed import DEFAULT_MODEL_PATH

    return str(DEFAULT_MODEL_PATH)


class Settings(ServiceSettings):
    """The model to serve, where, and how requests are batched, queued and limited."""

    model_config = SettingsConfigDict(env_prefix="INFERENCE_")

    port: int = Field(default=8001, ge=1, le=65535)

    model_uri: str = Field(default_factory=_default_model_uri, description="Local path or s3://bucket/key.")
    device: str = Field(default="auto", pattern=r"^(auto|cpu|cuda(:\d+)?|mps)$", description="auto: CUDA if present.")
    torch_threads: int | None = Field(
        default=None, ge=1, le=256, description="Intra-op threads of torch and ONNX Runtime; None: their defaults."
    )
    # auto: ONNX Runtime on the CPU for a checkpoint with a mood head (2x eager at batch 1, 4x at 32; outputs equal
    # within 1e-6), eager PyTorch otherwise and whenever the export fails; eager forces PyTorch (the fallback).
    backend: Literal["auto", "onnx", "eager"] = Field(default="auto", description="How the model runs on the CPU.")

    # auto follows `python -m bench inference` (docs/services-inference.md): with ONNX Runtime (the CPU default) a
    # batch of whatever queued while the model was busy serves 8 clients faster than one photo at a time and costs
    # nothing at 1; eager PyTorch on the CPU gained nothing from batches; on CUDA a batch fills the GPU. Decided
    # from the model that loaded, at every load (model_slot.decide_batching), never guessed before.
    batching: bool | Literal["auto"] = Field(
        default="auto",
        description="Group concurrent requests into one forward pass; auto: on when the loaded model runs on CUDA "
        "or in ONNX Runtime.",
    )
    max_batch: int = Field(default=8, ge=1, le=256)
    # 0: no fixed wait (measured: a 5 ms wait only slowed single clients down).
    max_wait_ms: float = Field(default=0.0, ge=0, le=1000, description="How long a batch waits to fill up.")
    queue_size: int = Field(default=64, ge=1, le=10_000, description="Waiting images beyond this get 503.")
    workers: int = Field(default=1, ge=1, le=64, description="Batches run at once (inference threads).")
    decode_workers: int = Field(default=2, ge=1, le=64, description="Threads decoding uploaded images.")
    request_timeout_s: float = Field(default=30.0, gt=0, description="Longest a request waits for its prediction.")
    retry_after_s: int = Field(default=1, ge=1, le=3600, description="Retry-After sent with 503 when overloaded.")

    max_upload_bytes: int = Field(default=10 * 1024 * 1024, gt=0, description="Request body limit, streamed.")
    max_pixels: int = Field(default=40_000_000, gt=0, description="Decoded image limit (decompression bombs).")
    decode_min_side: int | None = Field(
        default=256, ge=64, description="JPEGs decode at 1/2..1/8 scale keeping both sides >= this; None: full size."
    )

    admin_token: SecretStr | None = Field(default=None, description="Bearer token for POST /v1/model/reload.")

    def needed_secrets(self) -> dict[str, SecretStr | None]:
        """The service token and the admin token (model reload)."""
        return {**super().needed_secrets(), "INFERENCE_ADMIN_TOKEN": self.admin_token}

    @property
    def torch_device(self) -> str | None:
        """The device for Predictor.load (None lets it pick CUDA when present)."""
        return None if self.device == "auto" else self.device
