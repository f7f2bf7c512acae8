"""Request and response bodies of the inference API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.features import FEATURES_EXAMPLE, AudioFeatures
from shared.photo_reading import GENRE_LOOK_EXAMPLE, MOOD_EXAMPLE, PhotoReading

AttentionMode = Literal["false", "true", "png"]


class AttentionMap(BaseModel):
    """The heat map: for a model with a mood head, how much each part of the (squashed) photo moved its mood toward
    the answer (the mood head's class-activation map, 28 x 28; docs/model.md, "The heat map"); for older models their
    head's attention. A grid of non-negative weights summing to 1."""

    height: int = Field(ge=1, examples=[7])
    width: int = Field(ge=1, examples=[7])
    values: list[list[float]] = Field(description="Row-major weights, rows top to bottom.")


class PredictResponse(PhotoReading):
    """The photo's predicted audio features, its mood and genre look, the model that made them, and the attention
    map if asked."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "features": FEATURES_EXAMPLE,
                    "mood": MOOD_EXAMPLE,
                    "genre_look": GENRE_LOOK_EXAMPLE,
                    "model_version": "effnet-vae-20261130-3929c1db",
                }
            ]
        }
    )

    features: AudioFeatures
    model_version: str = Field(examples=["effnet-vae-20261125-3f2b9c0e"])
    attention: AttentionMap | None = Field(default=None, description="With ?attention=true.")
    attention_png: str | None = Field(
        default=None, description="With ?attention=png: the photo with the heat map over it, base64 PNG."
    )


class ReloadRequest(BaseModel):
    """Which checkpoint to serve next: a `uri`, or a published `version` in a model store (`store`, default the
    folder of INFERENCE_MODEL_URI), which is `<store>/<version>.pt`; omitted: reload INFERENCE_MODEL_URI."""

    model_config = ConfigDict(extra="forbid")

    uri: str | None = Field(
        default=None, min_length=1, max_length=2048, examples=["s3://pressedplay-models/effnet-vae/v2.pt"]
    )
    version: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9._-]+$",
        examples=["effnet-vae-20261130-1a2b3c4d"],
    )
    store: str | None = Field(default=None, min_length=1, max_length=2048, examples=["s3://pressedplay-models/store"])

    @model_validator(mode="after")
    def _one_way(self) -> ReloadRequest:
        if self.uri is not None and (self.version is not None or self.store is not None):
            raise ValueError("give either uri or version (with an optional store), not both")
        if self.store is not None and self.version is None:
            raise ValueError("store needs a version")
        return self

    def target(self, configured: str) -> str:
        """The checkpoint URI this request names, given the configured INFERENCE_MODEL_URI."""
        if self.uri is not None:
            return self.uri
        if self.version is None:
            return configured
        folder = configured.rsplit("/", 1)[0] if "/" in configured else "."
        store = self.store or folder
        return f"{store.rstrip('/')}/{self.version}.pt"


class ModelInfo(BaseModel):
    """The model being served."""

    version: str = Field(examples=["effnet-vae-20261125-3f2b9c0e"])
    device: str = Field(examples=["cpu"])
    backend: str = Field(
        description="What the model runs in: onnx (ONNX Runtime) or eager (PyTorch).", examples=["onnx"]
    )
    uri: str = Field(examples=["models/effnet-vae.pt"])
    loaded_at: str = Field(examples=["2026-11-25T15:30:00+00:00"])
    load_seconds: float = Field(examples=[1.8])


class ReloadResponse(BaseModel):
    """The model now serving, and the version it replaced."""

    model: ModelInfo
    previous_version: str | None = Field(examples=["effnet-vae-20261101-9a1b2c3d"])


class BatchingInfo(BaseModel):
    """How requests are grouped: decided for the loaded model at its load (INFERENCE_BATCHING auto: on for ONNX
    Runtime or CUDA)."""

    enabled: bool
    max_batch: int
    max_wait_ms: float
    queue_size: int
    workers: int


class ServiceInfo(BaseModel):
    """GET /v1/model: the model and the batching in effect."""

    model: ModelInfo
    batching: BatchingInfo


def predict_request_body_openapi() -> dict[str, Any]:
    """OpenAPI requestBody for /v1/predict (read by hand to stream it under a size limit)."""
    binary = {"type": "string", "format": "binary"}
    return {
        "requestBody": {
            "required": True,
            "description": "The photo as the raw body (image/*), or multipart/form-data with a file field `image`.",
            "content": {
                "image/jpeg": {"schema": binary},
                "image/png": {"schema": binary},
                "image/webp": {"schema": binary},
                "application/octet-stream": {"schema": binary},
                "multipart/form-data": {
                    "schema": {"type": "object", "required": ["image"], "properties": {"image": binary}}
                },
            },
        }
    }
