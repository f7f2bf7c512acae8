# syntax=docker/dockerfile:1
# PRESSED / PLAY: one image recipe for the four services. Build with the repo root as context and the service named:
#   docker build --build-arg SERVICE=playlist --build-arg PORT=8002 -t pressedplay-playlist .
# (docker compose does). Each service installs only services/<SERVICE>/requirements.txt, pinned by constraints.txt.
ARG SERVICE=gateway

FROM python:3.11-slim AS build
ARG SERVICE
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY constraints.txt ./
COPY services/${SERVICE}/requirements.txt ./requirements.txt
RUN pip install -c constraints.txt -r requirements.txt

FROM python:3.11-slim AS runtime
ARG SERVICE
ARG PORT=8000
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 SERVICE=${SERVICE} PORT=${PORT} \
    PRESSEDPLAY_LOG_FORMAT=json \
    GATEWAY_HOST=0.0.0.0 INFERENCE_HOST=0.0.0.0 PLAYLIST_HOST=0.0.0.0 FEEDBACK_HOST=0.0.0.0
# Runs as an unprivileged user; the code is read-only to it.
RUN useradd --create-home --uid 10001 --user-group app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY shared ./shared
COPY services ./services
# Shipped files the playlist service reads (the catalog and the genre map); small beside the dependencies.
COPY genremappings.json ./genremappings.json
COPY data ./data
# Writable: models/ for inference (or INFERENCE_MODEL_URI=s3://...), var/ for feedback's SQLite file.
RUN mkdir -p /app/models /app/var && chown app:app /app/models /app/var

USER 10001:10001
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ['PORT'], timeout=2)"]
CMD ["sh", "-c", "exec python -m \"services.${SERVICE}\""]
