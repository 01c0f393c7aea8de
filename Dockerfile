# The c4confd image (the one charts/c4confd runs): multi-stage on Debian 12 (bookworm).
#
#   docker build --build-arg C4CONFD_REVISION="$(git rev-parse HEAD)" -t c4confd:0.1.0 .
#   docker run --rm -e C4CONFD_DATABASE_URL=… c4confd:0.1.0 migrate
#   docker run --rm -p 9600:9600 -e C4CONFD_DATABASE_URL=… c4confd:0.1.0        (serve)
#
# Package lists come from the files ./c4 installs from, read by ./c4 itself, so the image and
# the development machines cannot drift apart: scripts/packages.txt (building) in the build
# stage, scripts/packages-runtime.txt (running) in the runtime stage.
# tests/docker/dockerfile_test.py checks this file against those lists and the built binary.

ARG DEBIAN_IMAGE=debian:bookworm-slim
# The commit built: the context holds no .git, so it comes in as an argument. It becomes the
# commit `c4confd --version` names and the org.opencontainers.image.revision label; without
# it both say "unknown".
ARG C4CONFD_REVISION=unknown

# ---------------------------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS build

# The lists and their reader first, so that the package layer is rebuilt only when they change.
COPY c4 /src/c4
COPY scripts/ /src/scripts/
RUN apt-get update \
 && /src/c4 packages /src/scripts/packages.txt \
    | xargs env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*

COPY . /src
ARG C4CONFD_REVISION
# RelWithDebInfo: the optimisation level the benchmarks measure; the debug symbols are
# stripped from the copy that goes into the image.
RUN cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DC4CONFD_GIT_COMMIT="$(printf '%.12s' "${C4CONFD_REVISION}")" \
 && cmake --build /build --target c4confd --parallel "$(nproc)" \
 && strip --strip-debug -o /c4confd /build/c4confd \
 && /c4confd --version

# ---------------------------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS runtime

# OCI annotations (https://github.com/opencontainers/image-spec/blob/main/annotations.md).
# C4CONFD_VERSION must match project(VERSION) of CMakeLists.txt and the chart's appVersion
# (tests/docker checks it).
ARG C4CONFD_VERSION=0.1.0
ARG C4CONFD_REVISION
ARG C4CONFD_SOURCE=https://github.com/wazo-platform/c4confd
ARG C4CONFD_LICENSES=GPL-3.0-or-later
LABEL org.opencontainers.image.title="c4confd" \
      org.opencontainers.image.description="Configuration and routing service of a Class 4 VoIP switch" \
      org.opencontainers.image.source="${C4CONFD_SOURCE}" \
      org.opencontainers.image.revision="${C4CONFD_REVISION}" \
      org.opencontainers.image.version="${C4CONFD_VERSION}" \
      org.opencontainers.image.licenses="${C4CONFD_LICENSES}"

COPY --from=build /src/c4 /src/scripts/packages-runtime.txt /tmp/c4confd-packages/
RUN apt-get update \
 && /tmp/c4confd-packages/c4 packages /tmp/c4confd-packages/packages-runtime.txt \
    | xargs env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/c4confd-packages

# A fixed non-root uid/gid (the chart's podSecurityContext uses the same numbers), and the one
# directory it writes besides /tmp: the Git cache of `c4confd reconcile`.
RUN groupadd --system --gid 10001 c4confd \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin c4confd \
 && install -d -o 10001 -g 10001 -m 0750 /var/cache/c4confd

COPY --from=build /c4confd /usr/local/bin/c4confd

# In a container the service must listen on every address, not on loopback (the binary's
# default); flags still override these.
ENV C4CONFD_LISTEN=0.0.0.0:9600 \
    C4CONFD_RECONCILE_LISTEN=0.0.0.0:9601 \
    C4CONFD_CACHE_DIR=/var/cache/c4confd/git

USER 10001:10001
WORKDIR /tmp
# 9600: the API (serve); 9601: the reconciler's webhook, status and metrics (reconcile).
EXPOSE 9600 9601
ENTRYPOINT ["c4confd"]
CMD ["serve"]
