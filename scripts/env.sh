# shellcheck shell=bash
# Sourced by the other scripts: selects JDK 25 (the machine's default java may be 17) and Maven options.
# JLXD_JAVA_HOME overrides the search.
jlxd_java_home() {
  local c
  for c in "${JLXD_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*-25-* /usr/lib/jvm/*25*; do
    if [ -n "$c" ] && [ -x "$c/bin/java" ] && "$c/bin/java" -version 2>&1 | grep -c 'version "25' >/dev/null; then
      echo "$c"
      return 0
    fi
  done
  return 1
}
JAVA_HOME=$(jlxd_java_home) || { echo "Error: JDK 25 not found under /usr/lib/jvm (set JLXD_JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
