#!/bin/sh
# Makes sure the Go toolchain and the Debian Go sources the go-plugins module builds against are
# present: go 1.19, protoc, protoc-gen-go 1.3 (the one that still knows plugins=grpc) and the
# hashicorp/go-plugin 1.0.1 sources with their gRPC dependencies, all from Debian 12 packages.
# Idempotent and silent when everything is there; otherwise installs the five packages with
# apt-get (through sudo when not root), or fails with the exact command to run.
set -eu

PACKAGES="golang-go golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev golang-goprotobuf-dev protobuf-compiler"
GOCODE=/usr/share/gocode/src

missing=""
# go and protoc-gen-go from golang-go / golang-goprotobuf-dev live in /usr/bin (and /usr/lib/go/bin).
command -v go >/dev/null 2>&1 || [ -x /usr/lib/go/bin/go ] || missing="$missing go"
command -v protoc >/dev/null 2>&1 || missing="$missing protoc"
[ -x /usr/bin/protoc-gen-go ] || missing="$missing protoc-gen-go"
[ -f "$GOCODE/github.com/hashicorp/go-plugin/server.go" ] || missing="$missing go-plugin-sources"
[ -d "$GOCODE/google.golang.org/grpc" ] || missing="$missing grpc-sources"
[ -d "$GOCODE/github.com/golang/protobuf/proto" ] || missing="$missing goprotobuf-sources"

[ -z "$missing" ] && exit 0

CMD="apt-get update && apt-get install -y --no-install-recommends $PACKAGES"
echo "ensure-go-toolchain: missing:$missing (from the Debian packages $PACKAGES)" >&2
if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo -n"
else
  echo "ensure-go-toolchain: not root and no sudo; run as root: $CMD" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-go-toolchain: no apt-get here (a Debian 12 machine is expected); install by hand: $CMD" >&2
  exit 1
fi
echo "ensure-go-toolchain: installing them with ${SUDO:+$SUDO }apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -q >&2 && $SUDO apt-get install -y -q --no-install-recommends $PACKAGES >&2; }; then
  echo "ensure-go-toolchain: installation failed; run as root: $CMD" >&2
  exit 1
fi
# Check again so a package that no longer ships a file we rely on fails here, not in go build.
[ -f "$GOCODE/github.com/hashicorp/go-plugin/server.go" ] && [ -x /usr/bin/protoc-gen-go ] && command -v protoc >/dev/null 2>&1 \
  || { echo "ensure-go-toolchain: packages installed but go-plugin sources / protoc / protoc-gen-go still missing" >&2; exit 1; }
