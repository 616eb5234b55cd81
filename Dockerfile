# syntax=docker/dockerfile:1

# Build a static binary: the SQLite driver is pure Go, so no cgo and no libc are needed.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /wachsam ./cmd/wachsam \
 && mkdir /data

# distroless/static: CA certificates and time zones, no shell, no package manager; runs as
# nonroot (uid 65532). It has no curl either, so probe /healthz and /readyz over HTTP from
# outside instead of with a HEALTHCHECK.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /wachsam /wachsam
# /data must exist and belong to nonroot: a new volume mounted there takes over its ownership,
# so the embedded SQLite database and the generated token key can be written.
COPY --from=build --chown=65532:65532 /data /data
# WACHSAM_MEMORY_LIMIT is the Go runtime's soft memory limit (the binary's default, spelled out
# here): raise it together with the container's memory, to about three quarters of it.
ENV WACHSAM_ADDR=:8080 \
    WACHSAM_DATA_DIR=/data \
    WACHSAM_MEMORY_LIMIT=100MiB
EXPOSE 8080
VOLUME /data
USER nonroot:nonroot
ENTRYPOINT ["/wachsam"]
CMD ["serve"]
