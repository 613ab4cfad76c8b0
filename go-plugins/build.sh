#!/bin/sh
# Builds the go-plugin programs of this module into <target-dir>/bin, offline, in GOPATH mode,
# against the Debian 12 Go packages that tools/ensure-go-toolchain.sh installs when missing.
#
#   build.sh <target-dir>                      generate the gRPC stubs, build kv-go, kv-misbehave, gohost and
#                                              plugboard-spawner (which the goplugin bundle embeds)
#   build.sh --test <target-dir> [skip ...]    gofmt check, go vet all packages, go test plugboard.io/kvplugin
#                                              and plugboard.io/cmd/plugboard-spawner;
#                                              skipped when any "skip" argument is "true" (Maven passes
#                                              ${skipTests} and ${maven.test.skip})
#
# The sources under src/ are copied to <target-dir>/gopath/src with the generated stubs beside
# them, so a removed or renamed file never lingers; Go's build cache (<target-dir>/gocache) keeps
# rebuilds fast.
set -eu

usage() {
  echo "usage: $0 [--test] <target-dir> [skip-flag ...]" >&2
  exit 2
}

mode=build
if [ "${1:-}" = "--test" ]; then
  mode=test
  shift
fi
[ $# -ge 1 ] && [ -n "$1" ] || usage
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
target=$(cd "$1" && pwd)
shift

if [ "$mode" = test ]; then
  for skip in "$@"; do
    if [ "$skip" = true ]; then
      echo "go-plugins: go vet / go test skipped"
      exit 0
    fi
  done
fi

sh "$here/tools/ensure-go-toolchain.sh"

# GOPATH mode, no modules, no network, no user go env, no cgo (CI has no C compiler).
export GO111MODULE=off
export GOPATH="$target/gopath:/usr/share/gocode"
export GOCACHE="$target/gocache"
export GOFLAGS=
export GOPROXY=off
export GOENV=off
export CGO_ENABLED=0

src="$target/gopath/src"
rm -rf "$src/plugboard.io"
mkdir -p "$src"
cp -R "$here/src/plugboard.io" "$src/"
# go_package in kv.proto puts the stubs at plugboard.io/kvplugin/proto, in grpc_stdio.proto at
# plugboard.io/gostdio/stdioproto; plugins=grpc needs protoc-gen-go 1.3 (Debian's
# golang-goprotobuf-dev), the newer one no longer generates services.
if ! protoc -I "$here/proto" --go_out=plugins=grpc:"$src" "$here/proto/kv.proto" ||
  ! protoc -I "$here/proto" --go_out=plugins=grpc:"$src" "$here/proto/grpc_stdio.proto"; then
  echo "go-plugins: protoc failed; generating gRPC stubs needs protoc-gen-go 1.3 as /usr/bin/protoc-gen-go" \
    "(Debian package protoc-gen-go-1-3, installed with golang-goprotobuf-dev), not the newer protoc-gen-go" >&2
  exit 1
fi

if [ "$mode" = test ]; then
  unformatted=$(gofmt -l "$here/src")
  if [ -n "$unformatted" ]; then
    echo "go-plugins: not gofmt-formatted (run gofmt -w on them): $unformatted" >&2
    exit 1
  fi
  go vet plugboard.io/...
  go test -count=1 plugboard.io/kvplugin plugboard.io/gostdio plugboard.io/cmd/plugboard-spawner
  exit 0
fi

mkdir -p "$target/bin"
# kv-go (shipped in plugboard.jar and copied at a first start) and gohost without the symbol
# table and DWARF: 8.5 MB instead of 12.4. A Go panic still names functions and lines (those
# come from the pclntab, which stays); kv-misbehave, the test plugin that panics, keeps all.
for cmd in kv-go gohost; do
  go build -ldflags="-s -w" -o "$target/bin/$cmd" "plugboard.io/cmd/$cmd"
done
go build -o "$target/bin/kv-misbehave" plugboard.io/cmd/kv-misbehave
# The goplugin bundle embeds the spawner (static: CGO_ENABLED=0 above, standard library only);
# without symbols it is a third smaller in the bundle jar. -trimpath keeps the bytes the same
# wherever the tree is built.
go build -trimpath -ldflags="-s -w" -o "$target/bin/plugboard-spawner" plugboard.io/cmd/plugboard-spawner
