package dev.mcpaudit.cli.ship;

import dev.mcpaudit.cli.AuditCli;
import dev.mcpaudit.cli.ExitCode;
import dev.mcpaudit.schema.AuditLog;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "ship",
        mixinStandardHelpOptions = true,
        description = {
            "Copies the log's events that a central PostgreSQL does not hold yet, hash fields unchanged.",
            "Rows are keyed by (log_id, seq) in schema mcp_audit, which ship creates and migrates; each batch",
            "is one transaction, so a crash loses nothing and the next run duplicates nothing. The proxy",
            "never waits for this: run it beside the proxy, from cron, or as a daemon with --follow."
        },
        footer = {
            "",
            "The password never goes on the command line (a URL with one is refused): set PGPASSWORD, or put",
            "it in ~/.pgpass (or PGPASSFILE). PGHOST, PGPORT, PGDATABASE, PGUSER and PGSSLMODE fill what the",
            "URL leaves out.",
            "",
            "Examples:",
            "  audit-cli ship --to postgresql://audit@db.example.com/audit",
            "  audit-cli ship --to postgresql://audit@db.example.com:6432/audit --follow",
            "  audit-cli ship --to postgresql://owner@db.example.com/audit --schema-only",
            "",
            "Exit codes: 0 shipped (or nothing to ship), 1 the central copy and this log differ at a seq both",
            "hold (nothing shipped or overwritten), 2 usage error, 3 log or database unavailable."
        })
public final class ShipCommand implements Callable<Integer> {
    @ParentCommand
    AuditCli parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--to", required = true, paramLabel = "URL",
            description = "The central database: postgresql://[user@]host[:port]/database, no password.")
    String to;

    @Option(names = "--follow", description = "Keep shipping as the proxy appends, until SIGTERM or Ctrl-C.")
    boolean follow;

    @Option(names = "--interval", defaultValue = "2", paramLabel = "SECONDS",
            description = "With --follow, how often to look for new events (default ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--batch", defaultValue = "10000", paramLabel = "N",
            description = "Events per transaction (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--schema-only", description = "Create or migrate the central schema; ship nothing.")
    boolean schemaOnly;

    @Override
    public Integer call() throws Exception {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be 1 or more, got " + batch + ".");
        }
        if (!(interval > 0)) {
            throw new IllegalArgumentException("--interval must be more than 0 seconds, got " + interval + ".");
        }
        CentralAddress address = CentralAddress.parse(to, parent.env());
        PrintWriter out = spec.commandLine().getOut();
        try (Connection central = address.connect()) {
            int version = CentralSchema.migrate(central);
            if (schemaOnly) {
                out.println("Central schema mcp_audit is at version " + version + " in " + address.describe() + ".");
                return ExitCode.OK;
            }
            try (AuditLog log = parent.openForReading(spec)) {
                return follow ? follow(log, central, address) : once(log, central, address);
            }
        } catch (DivergedLogException e) {
            spec.commandLine().getErr().println("audit-cli: " + e.getMessage());
            return ExitCode.FINDING;
        }
    }

    private int once(AuditLog log, Connection central, CentralAddress address) throws Exception {
        long started = System.nanoTime();
        Shipper.Pass pass = new Shipper(log, central, batch, () -> false).shipOnce();
        report(pass, address, System.nanoTime() - started);
        return ExitCode.OK;
    }

    /** Ships, then polls the log's head; a signal stops it between batches, every batch so far kept. */
    private int follow(AuditLog log, Connection central, CentralAddress address) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "audit-cli-ship-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Shipper shipper = new Shipper(log, central, batch, () -> stop.getCount() == 0);
            parent.info(spec, "audit-cli: shipping log " + log.logId() + " to " + address.describe()
                    + " as it grows; stop with Ctrl-C or SIGTERM.");
            long total = 0;
            while (stop.getCount() > 0) {
                long started = System.nanoTime();
                Shipper.Pass pass = shipper.shipOnce();
                if (pass.events() > 0) {
                    report(pass, address, System.nanoTime() - started);
                    total += pass.events();
                }
                stop.await((long) (interval * 1000), TimeUnit.MILLISECONDS);
            }
            parent.info(spec, "audit-cli: stopped; " + total + " events shipped in this run.");
            return ExitCode.OK;
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what is stopping us
            }
        }
    }

    private void report(Shipper.Pass pass, CentralAddress address, long nanos) {
        PrintWriter out = spec.commandLine().getOut();
        if (pass.logId() == null || pass.localHead() == 0) {
            out.println("Nothing to ship: " + parent.dbPath() + " has no events yet.");
        } else if (pass.events() == 0) {
            out.println("Nothing to ship: " + address.describe() + " holds log " + pass.logId() + " up to seq "
                    + pass.centralHead() + (pass.centralHead() > pass.localHead()
                            ? ", beyond this copy's last seq " + pass.localHead() + " (its prefix matches)." : "."));
        } else {
            double seconds = nanos / 1e9;
            out.printf("Shipped %d events of log %s (seq %d to %d) to %s in %.1f s (%.0f events/s).%n", pass.events(),
                    pass.logId(), pass.firstSeq(), pass.centralHead(), address.describe(), seconds,
                    pass.events() / Math.max(seconds, 1e-9));
        }
        out.flush();
    }
}
