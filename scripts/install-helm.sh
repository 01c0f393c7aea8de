#!/usr/bin/env bash
# install-helm.sh — makes the pinned helm binary available and prints its path.
#
# Usage: scripts/install-helm.sh        (prints e.g. /path/to/repo/.tools/bin/helm)
#
# Helm is not packaged in Debian 12, and the only registries this project may use are Debian's
# and the Go module proxy, so helm is built from its Go module:
#     go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION
# into .tools/bin (git-ignored).  A second run finds the binary there and returns at once.
#
# Which Go builds it:
#   1. C4_GO if set, else `go` on PATH, else /usr/local/go/bin/go, else /usr/lib/go/bin/go;
#      when there is none, Debian's golang-go is installed (needs root or sudo).
#   2. Helm $HELM_VERSION needs Go >= $GO_MIN.  A Go from 1.21 on fetches the toolchain it needs
#      by itself (GOTOOLCHAIN).  An older Go (Debian 12 ships 1.19, which knows no GOTOOLCHAIN)
#      downloads the toolchain module golang.org/toolchain@v0.0.1-go$GO_BOOTSTRAP.linux-ARCH
#      from the module proxy with `go mod download`, makes a GOROOT of it in .tools/ and
#      builds helm with that.
# Downloads land in Go's usual caches (go env GOMODCACHE, GOCACHE), which outlive a fresh
# clone on the same machine, so even a first run in a new checkout is quick after the first.
#
# Environment: C4_HELM_VERSION, C4_GO, C4_TOOLS_DIR (default <repo>/.tools).
# Exit status: 0 with the path on stdout; 1 with the reason on stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
HELM_VERSION="${C4_HELM_VERSION:-v3.19.0}"
GO_MIN=1.24             # the go directive of helm v3.19's go.mod
GO_BOOTSTRAP=1.24.7     # the toolchain fetched when the local Go cannot fetch one itself
TOOLS_DIR="${C4_TOOLS_DIR:-$ROOT/.tools}"
HELM="$TOOLS_DIR/bin/helm"

die() { printf 'install-helm: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'install-helm: %s\n' "$*" >&2; }

helm_is_pinned() {
  [[ -x $HELM ]] && [[ $("$HELM" version --template '{{.Version}}' 2>/dev/null) == "$HELM_VERSION" ]]
}

# Prints the path of a go command, installing Debian's golang-go when none exists.
find_go() {
  local candidate
  for candidate in "${C4_GO:-}" "$(command -v go || true)" /usr/local/go/bin/go /usr/lib/go/bin/go; do
    if [[ -n $candidate && -x $candidate ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  say "no Go found: installing Debian's golang-go"
  local -a sudo=()
  if (( EUID != 0 )); then
    command -v sudo >/dev/null || die "not root and no sudo: install golang-go first"
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -q update >&2 ||
    die "apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -q install -y \
    --no-install-recommends golang-go ca-certificates >&2 || die "apt-get install golang-go failed"
  [[ -x /usr/lib/go/bin/go ]] || die "golang-go installed no /usr/lib/go/bin/go"
  printf '%s\n' /usr/lib/go/bin/go
}

# True when Go version $1 (e.g. 1.19.8, 1.24) is at least $2.
version_at_least() {
  local IFS=.
  local -a have=($1) want=($2)
  local i
  for i in 0 1 2; do
    if (( ${have[i]:-0} > ${want[i]:-0} )); then return 0; fi
    if (( ${have[i]:-0} < ${want[i]:-0} )); then return 1; fi
  done
  return 0
}

# Prints the path of a go command recent enough to use GOTOOLCHAIN (>= 1.21).  An older one
# downloads the toolchain module from the proxy (an ordinary Go module: a zip of GOROOT).
toolchain_capable_go() {
  local go=$1 version
  version=$("$go" env GOVERSION) || die "$go does not run"
  version=${version#go}
  if version_at_least "$version" 1.21; then
    printf '%s\n' "$go"
    return 0
  fi
  local arch module dir
  arch=$("$go" env GOARCH)
  module="golang.org/toolchain@v0.0.1-go$GO_BOOTSTRAP.linux-$arch"
  say "Go $version cannot fetch toolchains: downloading $module"
  # Outside any module, so that no go.mod around the caller interferes.
  dir=$(cd "$(mktemp -d)" && GO111MODULE=on GOFLAGS=-mod=mod "$go" mod download -json "$module" |
        sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || die "go mod download $module failed"
  [[ -n $dir && -f $dir/bin/go ]] || die "the toolchain module $module holds no bin/go"
  # Module files are unpacked read-only and without execute bits (Go's own toolchain switch
  # restores them): make a GOROOT of our own from a copy, once.
  local goroot="$TOOLS_DIR/go$GO_BOOTSTRAP"
  if [[ ! -x $goroot/bin/go ]]; then
    rm -rf "$goroot.partial"
    mkdir -p "$TOOLS_DIR"
    cp -R "$dir" "$goroot.partial" || die "cannot copy $dir to $goroot"
    chmod -R u+w "$goroot.partial"
    chmod +x "$goroot.partial"/bin/* "$goroot.partial"/pkg/tool/*/*
    mv "$goroot.partial" "$goroot"
  fi
  printf '%s\n' "$goroot/bin/go"
}

# Prints the -ldflags of an official helm build (its Makefile): the version `helm version`
# reports, and the Kubernetes version `helm template` and `helm lint` assume (one above the
# minor of the client-go module helm's go.mod requires, as the Makefile computes it).
helm_ldflags() {
  local go=$1 gomod client_go minor
  gomod=$(cd "$(mktemp -d)" && GO111MODULE=on GOFLAGS=-mod=mod GOTOOLCHAIN=auto \
          "$go" mod download -json "helm.sh/helm/v3@$HELM_VERSION" |
          sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p') || die "go mod download helm.sh/helm/v3@$HELM_VERSION failed"
  [[ -r $gomod ]] || die "no go.mod for helm.sh/helm/v3@$HELM_VERSION"
  client_go=$(sed -n 's|^[[:space:]]*k8s.io/client-go v0\.\([0-9]*\)\..*|\1|p' "$gomod")
  [[ $client_go =~ ^[0-9]+$ ]] || die "no k8s.io/client-go version in $gomod"
  minor=$client_go
  local flags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  flags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  local pkg
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    flags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$minor"
  done
  printf '%s\n' "$flags"
}

main() {
  if [[ -z ${HOME:-} ]]; then
    # Go keeps its caches under $HOME; without one (some CI shells), under .tools/.
    export GOPATH="${GOPATH:-$TOOLS_DIR/gopath}" GOCACHE="${GOCACHE:-$TOOLS_DIR/go-build}"
  fi
  if helm_is_pinned; then
    printf '%s\n' "$HELM"
    return 0
  fi
  local go ldflags
  go=$(find_go)
  go=$(toolchain_capable_go "$go")
  ldflags=$(helm_ldflags "$go")
  say "building helm $HELM_VERSION with $go into $TOOLS_DIR/bin (a few minutes the first time)"
  mkdir -p "$TOOLS_DIR/bin"
  # CGO off: a static helm, no C toolchain needed.  GOTOOLCHAIN=auto: a Go older than helm's
  # go directive ($GO_MIN) fetches the toolchain it names; a newer one builds with itself.
  (cd "$TOOLS_DIR" && GOBIN="$TOOLS_DIR/bin" CGO_ENABLED=0 GO111MODULE=on GOFLAGS= GOTOOLCHAIN=auto \
     "$go" install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2) ||
    die "go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION failed"
  helm_is_pinned || die "$HELM does not report version $HELM_VERSION"
  printf '%s\n' "$HELM"
}

main "$@"
