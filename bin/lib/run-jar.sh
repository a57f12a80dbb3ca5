# Sourced by bin/mcp-audit-proxy and bin/audit-cli once they know the repository root ($root).
# Finds the JVM and the jar, then replaces the shell with the JVM, so signals and the exit code
# are the JVM's own and the agent's stdio goes straight to it.

# JVM flags the README recommends: the serial collector (shorter pauses on a small heap), and the
# JVM's own warnings on stderr, never on stdout, where the proxy speaks JSON-RPC only.
MCP_AUDIT_JVM_FLAGS='-XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr'

# run_jar NAME JAR ARGS...: NAME is the command, for error messages.
run_jar() {
    name=$1
    jar=$2
    shift 2

    if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        java_cmd=$JAVA_HOME/bin/java
    elif command -v java >/dev/null 2>&1; then
        java_cmd=java
    else
        if [ -n "${JAVA_HOME-}" ]; then
            echo "$name: no Java found: \$JAVA_HOME ($JAVA_HOME) has no bin/java and there is no java on PATH." \
                "Install a JDK 17 or newer, or point JAVA_HOME at one." >&2
        else
            echo "$name: no Java found: JAVA_HOME is not set and there is no java on PATH." \
                "Install a JDK 17 or newer, or point JAVA_HOME at one." >&2
        fi
        exit 127
    fi

    if [ ! -f "$jar" ]; then
        echo "$name: $jar is missing; build it first: (cd '$root' && ./mvnw -B -q package -DskipTests)" >&2
        exit 127
    fi

    # The flags and MCP_AUDIT_JAVA_OPTS are split on spaces, like JAVA_OPTS; no globbing.
    set -f
    # shellcheck disable=SC2086
    exec "$java_cmd" $MCP_AUDIT_JVM_FLAGS ${MCP_AUDIT_JAVA_OPTS-} -jar "$jar" "$@"
}
