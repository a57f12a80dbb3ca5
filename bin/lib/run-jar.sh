# Sourced by bin/mcp-audit-proxy and bin/audit-cli once they know the repository root ($root).
# Finds the JVM and the jar, then replaces the shell with the JVM, so signals and the exit code
# are the JVM's own and the agent's stdio goes straight to it.

# JVM flags the README recommends: the serial collector (shorter pauses on a small heap), a heap
# that starts small and gives memory back (an agent keeps one proxy per session open for hours; its
# live data is a few MB), and the JVM's own warnings on stderr, never on stdout, where the proxy
# speaks JSON-RPC only.
MCP_AUDIT_JVM_FLAGS='-XX:+UseSerialGC -Xms8m -Xmx512m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xlog:disable -Xlog:all=warning:stderr'

# run_jar NAME JAR ARGS...: NAME is the command, for error messages. A command's own JVM flags come
# in COMMAND_JVM_FLAGS, set by its script, and COMMAND_CDS=on gives it an AppCDS archive.
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

    cds_flag=
    if [ "${COMMAND_CDS-off}" = on ]; then
        cds_flag=$(class_data_sharing "$jar" "$@")
    fi

    # The flags and MCP_AUDIT_JAVA_OPTS are split on spaces, like JAVA_OPTS; no globbing.
    set -f
    # shellcheck disable=SC2086
    exec "$java_cmd" $MCP_AUDIT_JVM_FLAGS ${COMMAND_JVM_FLAGS-} $cds_flag ${MCP_AUDIT_JAVA_OPTS-} -jar "$jar" "$@"
}

# class_data_sharing JAR ARGS...: the JVM flag that makes start-up cheaper with an AppCDS archive of the
# classes a session loads (JAR with .jsa for .jar). The first run after a build writes one when its
# session ends (the JVM dumps it at exit, to a file of its own, so two first runs never write the same
# file); the next run moves a finished one into place and uses it. An archive older than the jar is
# dropped: the JVM would refuse it anyway. A broken one is ignored by the JVM (-Xshare:auto) with a
# warning on stderr. A --help or --version run loads too little to be worth archiving. Set
# MCP_AUDIT_CDS=off to start without one.
class_data_sharing() {
    jar_file=$1
    shift
    archive=${jar_file%.jar}.jsa
    [ "${MCP_AUDIT_CDS-on}" = off ] && return 0
    if [ -f "$archive" ] && [ "$jar_file" -nt "$archive" ]; then
        rm -f "$archive"
    fi
    if [ ! -f "$archive" ]; then
        for dumped in "$archive".*.tmp; do
            if [ -s "$dumped" ] && [ ! "$jar_file" -nt "$dumped" ]; then
                mv -f "$dumped" "$archive" 2>/dev/null && break
            fi
        done
    fi
    if [ -f "$archive" ]; then
        echo "-XX:SharedArchiveFile=$archive"
    elif [ -w "$(dirname "$archive")" ] && ! only_asks_for_help "$@"; then
        rm -f "$archive".*.tmp 2>/dev/null || true
        # The dump's notes on classes it cannot archive are not the user's concern.
        echo "-XX:ArchiveClassesAtExit=$archive.$$.tmp -Xlog:cds*=error:stderr"
    fi
}

only_asks_for_help() {
    for arg in "$@"; do
        case $arg in
            --help|-h|--version|-V) return 0 ;;
        esac
    done
    return 1
}
