# Stand-in for python:3.11-slim: Debian bookworm's Python 3.11 with venv (pip comes from ensurepip in each venv).
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
# The suite is the pin (bookworm and its security updates): a stand-in for development, rebuilt with FORCE=1.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv python-is-python3 \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
CMD ["python3"]
