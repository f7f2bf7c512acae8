# Stand-in for redis:7-alpine: Debian bookworm's redis-server (7.0) and redis-cli, run unprivileged from /data.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
# The suite is the pin (bookworm and its security updates): a stand-in for development, rebuilt with FORCE=1.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends redis-server \
    && apt-get clean && rm -rf /var/lib/apt/lists/* \
    && mkdir /data && chown 10004:10004 /data
COPY redis-entrypoint.sh /usr/local/bin/redis-entrypoint.sh
WORKDIR /data
USER 10004:10004
EXPOSE 6379
ENTRYPOINT ["redis-entrypoint.sh"]
CMD ["redis-server"]
