#!/usr/bin/env bash
# Real peers for doco's integration tests (*IT), on loopback only:
#   - a Docker engine (dockerd, data root under the state dir) and Compose v2 as a docker CLI plugin;
#   - three CNCF Distribution registries: anonymous (127.0.0.1:5000), Basic/htpasswd (127.0.0.1:5001) and
#     Bearer-token (127.0.0.1:5002, realm http://127.0.0.1:5003/token served by the tests' own JVM through
#     dev.doco.core.testing.Peers.startTokenServer());
#   - cosign, oras, skopeo; a tiny busybox image pushed to the anonymous registry (no Docker Hub here).
# Installs what is missing (Debian 12 packages; Compose v2, cosign and oras from Debian 13 packages unpacked with
# a private apt state under $DOCO_PEERS_OPT, leaving the system's packages alone), then writes the coordinates to
# $DOCO_PEERS_FILE for the tests. See README "Development" and /work/shared/test-environment.md.
#
# Usage: .ci/peers.sh start|stop|status|env
#   start   install what is missing, start what is not running (reuses running peers), print one line per peer
#   stop    stop the peers this script started (only those named in $DOCO_PEERS_SESSION when that is set)
#   status  print one line per peer (running or not) without starting anything
#   env     print shell exports (PATH with the tools dir, DOCO_PEERS_FILE): eval "$(.ci/peers.sh env)"
set -euo pipefail

STATE="${DOCO_PEERS_DIR:-/tmp/doco-peers}"
OPT="${DOCO_PEERS_OPT:-/opt/doco-peers}"
PROPS="${DOCO_PEERS_FILE:-$STATE/peers.properties}"
TOOLS="$OPT/bin"
PLUGIN_DIR=/usr/local/lib/docker/cli-plugins # a system plugin dir both the 20.10 and newer docker CLIs search
DOCKER_SOCK=/var/run/docker.sock
REG_ANON=127.0.0.1:5000
REG_BASIC=127.0.0.1:5001
REG_TOKEN=127.0.0.1:5002
TOKEN_REALM=http://127.0.0.1:5003/token
TOKEN_SERVICE=doco-token-registry
TOKEN_ISSUER=doco-test-token-issuer
BASIC_USER=doco
BASIC_PASSWORD=doco-test-password # a test-only credential for a loopback registry
TEST_IMAGE="$REG_ANON/doco-test/busybox:1"
APT_PACKAGES=(docker.io docker-registry skopeo busybox-static apache2-utils iptables ca-certificates openssl curl)
TRIXIE_PACKAGES=(docker-compose cosign oras)

log() { printf 'peers: %s\n' "$*" >&2; }
die() { printf 'peers: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------- install
missing_apt_packages() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

apt_install() {
  local missing
  missing="$(missing_apt_packages | tr '\n' ' ')"
  [ -z "${missing// /}" ] && return 0
  log "installing Debian 12 packages: $missing"
  local policy_created=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    # Keep package scripts from starting system services (dockerd, a registry on :5000 on all interfaces).
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_created=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing > "$STATE/logs/apt-install.log" 2>&1 \
    || { tail -20 "$STATE/logs/apt-install.log" >&2; [ -n "$policy_created" ] && rm -f /usr/sbin/policy-rc.d; die "apt-get install failed (log: $STATE/logs/apt-install.log)"; }
  [ -n "$policy_created" ] && rm -f /usr/sbin/policy-rc.d
  return 0
}

trixie_install() {
  if [ -x "$TOOLS/cosign" ] && [ -x "$TOOLS/oras" ] && [ -x "$TOOLS/docker-compose" ]; then return 0; fi
  log "fetching ${TRIXIE_PACKAGES[*]} from Debian 13 (private apt state under $OPT/apt, unpacked into $OPT/root)"
  local apt="$OPT/apt"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$OPT/root" "$TOOLS"
  cat > "$apt/trixie.sources" <<'X'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
X
  local a=(-o "Dir::Etc::SourceList=$apt/trixie.sources" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
  apt-get "${a[@]}" update -qq > "$STATE/logs/apt-trixie.log" 2>&1 \
    || { tail -20 "$STATE/logs/apt-trixie.log" >&2; die "apt-get update (Debian 13 sources) failed"; }
  rm -f "$apt"/*.deb
  (cd "$apt" && apt-get "${a[@]}" download "${TRIXIE_PACKAGES[@]}" >> "$STATE/logs/apt-trixie.log" 2>&1) \
    || { tail -20 "$STATE/logs/apt-trixie.log" >&2; die "apt-get download ${TRIXIE_PACKAGES[*]} failed"; }
  local d
  for d in "$apt"/*.deb; do dpkg -x "$d" "$OPT/root"; done
  ln -sf "$OPT/root/usr/bin/cosign" "$TOOLS/cosign"
  ln -sf "$OPT/root/usr/bin/oras" "$TOOLS/oras"
  ln -sf "$OPT/root/usr/libexec/docker/cli-plugins/docker-compose" "$TOOLS/docker-compose"
  rm -f "$apt"/*.deb
}

install_all() {
  apt_install
  trixie_install
  mkdir -p "$PLUGIN_DIR"
  [ "$(readlink "$PLUGIN_DIR/docker-compose" 2>/dev/null)" = "$TOOLS/docker-compose" ] \
    || ln -sf "$TOOLS/docker-compose" "$PLUGIN_DIR/docker-compose"
  ln -sf "$(command -v skopeo)" "$TOOLS/skopeo"
  ln -sf "$(docker_cli)" "$TOOLS/docker"
}

# ---------------------------------------------------------------------------------------------------- helpers
docker_cli() { PATH="/usr/local/bin:/usr/bin:/bin:$PATH" command -v docker; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

http_code() { curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null || true; }

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local secs="$1" what="$2"; shift 2
  local i
  for ((i = 0; i < secs * 4; i++)); do "$@" > /dev/null 2>&1 && return 0; sleep 0.25; done
  return 1
}

note_started() { [ -n "${DOCO_PEERS_SESSION:-}" ] && echo "$1" >> "$DOCO_PEERS_SESSION"; return 0; }

docker_up() { "$(docker_cli)" version --format '{{.Server.Version}}'; }

# ---------------------------------------------------------------------------------------------------- dockerd
start_dockerd() {
  if docker_up > /dev/null 2>&1; then return 0; fi
  [ -S "$DOCKER_SOCK" ] && ! pid_alive "$STATE/dockerd.pid" && rm -f "$DOCKER_SOCK"
  log "starting dockerd (data root $STATE/dockerd, socket $DOCKER_SOCK)"
  mkdir -p "$STATE/dockerd"
  setsid nohup dockerd --data-root "$STATE/dockerd" --exec-root "$STATE/dockerd-exec" \
    --pidfile "$STATE/dockerd.pid" --host "unix://$DOCKER_SOCK" \
    > "$STATE/logs/dockerd.log" 2>&1 < /dev/null &
  note_started dockerd
  wait_for 60 dockerd docker_up || { tail -30 "$STATE/logs/dockerd.log" >&2; die "dockerd did not answer within 60 s (log: $STATE/logs/dockerd.log)"; }
}

# ---------------------------------------------------------------------------------------------------- registries
write_token_keys() {
  local dir="$STATE/token"
  [ -s "$dir/key.pem" ] && [ -s "$dir/cert.pem" ] && return 0
  mkdir -p "$dir"
  # EC P-256 signing key (PKCS#8 PEM, read by Peers' token server) and its self-signed cert (trusted by the registry).
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/key.pem" 2> /dev/null
  openssl req -x509 -new -key "$dir/key.pem" -subj "/CN=$TOKEN_ISSUER" -days 3650 -sha256 \
    -out "$dir/cert.pem" 2> /dev/null
}

registry_config() { # registry_config NAME ADDR AUTH_YAML
  local name="$1" addr="$2" auth="$3"
  mkdir -p "$STATE/registry-$name/data"
  cat > "$STATE/registry-$name/config.yml" <<X
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $STATE/registry-$name/data
  delete:
    enabled: true
http:
  addr: $addr
  secret: doco-peers-$name
$auth
X
}

start_registry() { # start_registry NAME ADDR AUTH_YAML
  local name="$1" addr="$2"
  if [ "$(http_code "http://$addr/v2/")" = 200 ] || [ "$(http_code "http://$addr/v2/")" = 401 ]; then return 0; fi
  registry_config "$@"
  log "starting registry $name on $addr"
  setsid nohup docker-registry serve "$STATE/registry-$name/config.yml" \
    > "$STATE/logs/registry-$name.log" 2>&1 < /dev/null &
  echo $! > "$STATE/registry-$name.pid"
  note_started "registry-$name"
  registry_answers() { local c; c="$(http_code "http://$1/v2/")"; [ "$c" = 200 ] || [ "$c" = 401 ]; }
  wait_for 20 "registry $name" registry_answers "$addr" \
    || { tail -20 "$STATE/logs/registry-$name.log" >&2; die "registry $name did not answer on $addr"; }
}

start_registries() {
  start_registry anon "$REG_ANON" ""
  if [ ! -s "$STATE/htpasswd" ]; then
    htpasswd -Bbn "$BASIC_USER" "$BASIC_PASSWORD" > "$STATE/htpasswd"
  fi
  start_registry basic "$REG_BASIC" "auth:
  htpasswd:
    realm: doco-basic-registry
    path: $STATE/htpasswd"
  write_token_keys
  start_registry token "$REG_TOKEN" "auth:
  token:
    realm: $TOKEN_REALM
    service: $TOKEN_SERVICE
    issuer: $TOKEN_ISSUER
    rootcertbundle: $STATE/token/cert.pem"
}

# ---------------------------------------------------------------------------------------------------- test image
ensure_test_image() {
  local repo="${TEST_IMAGE#*/}" ; repo="${repo%:*}"
  local code
  code="$(curl -s -o /dev/null -m 5 -w '%{http_code}' -I \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REG_ANON/v2/$repo/manifests/${TEST_IMAGE##*:}" || true)"
  [ "$code" = 200 ] && return 0
  log "building $TEST_IMAGE from busybox-static (docker import) and pushing it"
  local root="$STATE/busybox-rootfs" a
  rm -rf "$root" && mkdir -p "$root"/{bin,etc,tmp,var/www,proc,sys,dev,root}
  cp "$(PATH=/usr/bin:/bin command -v busybox)" "$root/bin/busybox"
  for a in $("$root/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  chmod 1777 "$root/tmp"
  local docker; docker="$(docker_cli)"
  tar -C "$root" -c . | "$docker" import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' - "$TEST_IMAGE" > /dev/null
  "$docker" push "$TEST_IMAGE" > "$STATE/logs/test-image-push.log" 2>&1 \
    || { cat "$STATE/logs/test-image-push.log" >&2; die "docker push $TEST_IMAGE failed"; }
}

# ---------------------------------------------------------------------------------------------------- properties
write_properties() {
  mkdir -p "$(dirname "$PROPS")"
  local tmp="$PROPS.tmp.$$"
  cat > "$tmp" <<X
# Written by .ci/peers.sh start; read by dev.doco.core.testing.Peers.
docker=$TOOLS/docker
docker.host=unix://$DOCKER_SOCK
compose=$PLUGIN_DIR/docker-compose
cosign=$TOOLS/cosign
oras=$TOOLS/oras
skopeo=$TOOLS/skopeo
tools.dir=$TOOLS
registry=$REG_ANON
basic.registry=$REG_BASIC
basic.user=$BASIC_USER
basic.password=$BASIC_PASSWORD
token.registry=$REG_TOKEN
token.realm=$TOKEN_REALM
token.service=$TOKEN_SERVICE
token.issuer=$TOKEN_ISSUER
token.key=$STATE/token/key.pem
token.cert=$STATE/token/cert.pem
test.image=$TEST_IMAGE
X
  mv "$tmp" "$PROPS"
}

# ---------------------------------------------------------------------------------------------------- report
deb13_version() { # the Debian package version of an unpacked Debian 13 package, from its changelog
  zcat "$OPT/root/usr/share/doc/$1/changelog.Debian.gz" 2> /dev/null | head -1 | sed -n 's/^[^ ]* (\([^)]*\)).*/\1/p' || true
}

status_lines() {
  local docker v c; docker="$(docker_cli 2> /dev/null || true)"
  line() { printf 'peer %-15s %s\n' "$1" "$2"; }
  either() { if [ -n "$1" ]; then echo "$2"; else echo "$3"; fi; } # either VALUE IF_SET IF_EMPTY
  v="$([ -n "$docker" ] && docker_up 2> /dev/null || true)"
  line docker "$(either "$v" "Docker Engine $v (client $("$docker" version --format '{{.Client.Version}}' 2> /dev/null), unix://$DOCKER_SOCK)" "NOT RUNNING")"
  v="$([ -n "$docker" ] && "$docker" compose version --short 2> /dev/null || true)"
  line compose "$(either "$v" "Docker Compose $v (plugin $PLUGIN_DIR/docker-compose)" "NOT AVAILABLE")"
  local rv; rv="$(docker-registry --version 2> /dev/null | awk '{print $NF}' || true)"
  local name addr
  for name in registry:$REG_ANON:anonymous basic-registry:$REG_BASIC:htpasswd token-registry:$REG_TOKEN:bearer-token; do
    addr="${name#*:}"; addr="${addr%:*}"
    c="$(http_code "http://$addr/v2/")"
    if [ "$c" = 200 ] || [ "$c" = 401 ]; then line "${name%%:*}" "distribution $rv on $addr (${name##*:})"
    else line "${name%%:*}" "NOT RUNNING on $addr"; fi
  done
  v="$([ -x "$TOOLS/cosign" ] && deb13_version cosign || true)"
  line cosign "$(either "$v" "cosign $v (Debian 13 package, $TOOLS/cosign)" "NOT INSTALLED")"
  v="$("$TOOLS/oras" version 2> /dev/null | awk '/^Version/{print $2}' || true)"
  line oras "$(either "$v" "oras $v ($TOOLS/oras)" "NOT INSTALLED")"
  v="$(skopeo --version 2> /dev/null | awk '{print $3}' || true)"
  line skopeo "$(either "$v" "skopeo $v ($(command -v skopeo))" "NOT INSTALLED")"
  c="$(curl -s -o /dev/null -m 3 -w '%{http_code}' -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REG_ANON/v2/doco-test/busybox/manifests/1" 2> /dev/null || true)"
  line test-image "$(either "${c#200}" "$TEST_IMAGE MISSING" "$TEST_IMAGE (busybox $(busybox 2>&1 | head -1 | awk '{print $2}'))")"
  line token-server "$TOKEN_REALM (served by the test JVM: Peers.startTokenServer())"
  line properties "$PROPS"
}

# ---------------------------------------------------------------------------------------------------- stop
stop_pidfile() { # stop_pidfile NAME PIDFILE
  local pid
  pid_alive "$2" || { rm -f "$2"; return 0; }
  pid="$(cat "$2")"
  log "stopping $1 (pid $pid)"
  kill "$pid" 2> /dev/null || true
  local i
  for ((i = 0; i < 80; i++)); do kill -0 "$pid" 2> /dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2> /dev/null && kill -9 "$pid" 2> /dev/null
  rm -f "$2"
}

should_stop() {
  [ -z "${DOCO_PEERS_SESSION:-}" ] && return 0
  [ -f "$DOCO_PEERS_SESSION" ] && grep -qx "$1" "$DOCO_PEERS_SESSION"
}

stop_all() {
  local name
  for name in anon basic token; do
    should_stop "registry-$name" && stop_pidfile "registry-$name" "$STATE/registry-$name.pid"
  done
  if should_stop dockerd && pid_alive "$STATE/dockerd.pid"; then
    # Containers left by tests would otherwise keep running after dockerd's restart.
    local ids; ids="$("$(docker_cli)" ps -q 2> /dev/null || true)"
    [ -n "$ids" ] && "$(docker_cli)" rm -f $ids > /dev/null 2>&1 || true
    stop_pidfile dockerd "$STATE/dockerd.pid"
  fi
  return 0
}

# ---------------------------------------------------------------------------------------------------- main
cmd="${1:-start}"
case "$cmd" in
  start)
    [ "$(id -u)" = 0 ] || die "run as root (installs Debian packages and starts dockerd)"
    mkdir -p "$STATE/logs"
    install_all
    start_dockerd
    start_registries
    ensure_test_image
    write_properties
    status_lines
    ;;
  stop) stop_all ;;
  status) status_lines ;;
  env)
    printf 'export PATH=%q:"$PATH"\n' "$TOOLS"
    printf 'export DOCO_PEERS_FILE=%q\n' "$PROPS"
    ;;
  *) die "usage: $0 start|stop|status|env" ;;
esac
