"""The loss-curve PNG written after each training run."""

from __future__ import annotations

from pathlib import Path


def plot_loss_curve(history: list[dict[str, float]], path: Path, *, best_epoch: int) -> Path:
    """Training and validation loss per epoch, the best epoch marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [row["epoch"] for row in history]
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.plot(epochs, [row["train_loss"] for row in history], label="train (sampled latent)")
    ax.plot(epochs, [row["val_loss"] for row in history], label="validation (latent mean)")
    if best_epoch:
        ax.axvline(best_epoch, color="grey", linestyle="--", linewidth=1, label=f"best epoch {best_epoch}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (squared error + beta x KL)")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
