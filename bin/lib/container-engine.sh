# Makes sure the container engine that the container host drives is installed: podman with the
# runc runtime, and busybox-static, from which images/build-test-image makes the tests' image.
# Sourced by .ci/run (CI runs as root on Debian); elsewhere it only says what is missing.

pw_container_engine_missing() { # prints the Debian packages that are not installed yet
  local missing=()
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || missing+=(runc)
  [ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 || missing+=(busybox-static)
  printf '%s\n' "${missing[@]}"
}

# crun, podman's preferred runtime, fails on hybrid (v1 + v2) cgroup hierarchies such as these
# machines'; runc works on every layout. The drop-in makes every podman call use it, ours and a
# person's, without a flag on each command line.
pw_container_runtime_conf=/etc/containers/containers.conf.d/50-pipewright-runc.conf

pw_ensure_container_engine() {
  local missing
  missing=$(pw_container_engine_missing)
  if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      echo "pipewright: the container host's tests need $(echo $missing) (Debian packages);" \
        "install them as root" >&2
      return 1
    fi
    echo "pipewright: installing $(echo $missing)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || return 1
    # shellcheck disable=SC2086 # one package name per word
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing \
      >/dev/null || return 1
  fi
  if [ ! -f "$pw_container_runtime_conf" ] && [ "$(id -u)" = 0 ]; then
    mkdir -p "$(dirname "$pw_container_runtime_conf")"
    printf '[engine]\nruntime = "runc"\n' >"$pw_container_runtime_conf"
  fi
}
