package dev.mcpaudit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process audit-cli invocation: its exit code and what it printed. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        return on(new Terminal(false, System.getenv(), Terminal.LARGE_WORK_EVENTS), args);
    }

    /** With {@code env} as the environment (the PG* variables of a central database), on no terminal. */
    public static CliRun withEnv(java.util.Map<String, String> env, String... args) {
        return on(new Terminal(false, env, Terminal.LARGE_WORK_EVENTS), args);
    }

    /** As if run on {@code terminal}: a person watching or not, with its environment. */
    public static CliRun on(Terminal terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AuditCli.run(new PrintWriter(out, true), new PrintWriter(err, true), terminal, args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
