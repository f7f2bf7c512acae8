# Stand-in for amazon/dynamodb-local: dynalite (the DynamoDB-API server the tests use), pinned by tools/dynamodb's
# package-lock.json, tables on disk under /data. curl answers the healthcheck.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
# The suite is the pin (bookworm and its security updates): a stand-in for development, rebuilt with FORCE=1.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm curl \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/dynalite
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force \
    && useradd --system --uid 10002 dynalite && mkdir /data && chown dynalite /data
USER 10002
EXPOSE 8000
CMD ["node", "node_modules/dynalite/cli.js", "--port", "8000", "--host", "0.0.0.0", "--path", "/data", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"]
