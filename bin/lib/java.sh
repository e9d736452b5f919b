# Finds a JDK 21+ for building and running Pipewright: JAVA_HOME when it is new enough, else the
# newest JDK in the system's JVM directory. Sourced by bin/pipewright, bin/test and .ci/run.

pw_java_major() { # $1 = java binary; prints the feature version (17, 21, 25, ...)
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

pw_find_java_home() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    local v; v=$(pw_java_major "$JAVA_HOME/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then printf '%s\n' "$JAVA_HOME"; return 0; fi
  fi
  local best="" best_v=0 dir v
  for dir in /usr/lib/jvm/*/ /Library/Java/JavaVirtualMachines/*/Contents/Home/; do
    dir=${dir%/}
    [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] || continue
    v=$(pw_java_major "$dir/bin/java")
    if [ -n "$v" ] && [ "$v" -gt "$best_v" ]; then best=$dir; best_v=$v; fi
  done
  if [ "$best_v" -ge 21 ]; then printf '%s\n' "$best"; return 0; fi
  echo "pipewright: no JDK 21 or newer found (set JAVA_HOME)" >&2
  return 1
}

# JDK 24+ warns on every start about libraries (Maven's Guice, Netty, gRPC) that still use
# sun.misc.Unsafe or native access; these options allow them quietly. Older JDKs reject them.
pw_quiet_jvm_opts() { # $1 = java home, $2 = its feature version if known (saves starting java)
  if [ "${2:-$(pw_java_major "$1/bin/java")}" -ge 24 ]; then
    printf '%s\n' "--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
  fi
}
