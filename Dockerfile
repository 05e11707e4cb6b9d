# The webhook's image.  docker build -t spark-conform:0.1.0 .
# (podman and no registry: scripts/build-image; README "The image".)
#
# The builder is the toolchain CI builds and tests with (Swift 6.3; Package.swift
# needs tools 6.2 or later), on Debian bookworm like the runtime base, so the
# binary and the base share one glibc.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG BASE_IMAGE=debian:bookworm-slim
# Where the binary comes from: "build" compiles it below; "prebuilt" takes
# .build-image/spark-conform, made by the same scripts/build-release on a bookworm
# host (CI does this: it has no registry to pull the Swift image from).
ARG BINARY_FROM=build

FROM ${SWIFT_IMAGE} AS build
WORKDIR /src
# The whole package: the manifest declares targets under Benchmarks/ and Fuzz/ too,
# and refuses to load without them (.dockerignore keeps build folders out).
COPY . .
RUN --mount=type=cache,target=/src/.build-static scripts/build-release /out

FROM scratch AS prebuilt
COPY .build-image/spark-conform /out/spark-conform

FROM ${BINARY_FROM} AS binary

FROM ${BASE_IMAGE}
RUN rm -rf /var/lib/apt/lists/* /var/cache/*
COPY --from=binary /out/spark-conform /usr/local/bin/spark-conform
# Non-root; the chart sets the same ids and a read-only root filesystem. Started
# bare (no certificate flags) it serves with a development certificate under /tmp,
# or, on a read-only root, exits at once saying which flags or mounts to give.
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/spark-conform"]
CMD ["serve"]
