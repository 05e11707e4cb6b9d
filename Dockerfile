# Build: docker build -t spark-conform:0.1.0 .
# Swift 6 toolchain (Package.swift: tools 6.0, Swift 6 language mode).
FROM swift:6.2-bookworm AS build
WORKDIR /src
# Dependencies first, so source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
# Linked with lld, unreferenced sections dropped and relative relocations packed
# (RELR, glibc 2.36+): ~3 MiB less resident memory (Benchmarks/README.md).
RUN swift build -c release --product spark-conform --static-swift-stdlib \
      -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld -Xlinker --gc-sections -Xlinker -z -Xlinker pack-relative-relocs \
 && cp "$(swift build -c release --show-bin-path)/spark-conform" /spark-conform

# The binary needs only glibc and libstdc++ (the Swift runtime is linked in).
# A distroless "cc" image works the same and drops the shell as well.
FROM debian:bookworm-slim
RUN rm -rf /var/lib/apt/lists/* /var/cache/*
COPY --from=build /spark-conform /usr/local/bin/spark-conform
# Non-root; the chart sets the same ids and a read-only root filesystem.
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/spark-conform"]
CMD ["serve"]
