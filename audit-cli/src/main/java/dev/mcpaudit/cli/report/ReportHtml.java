package dev.mcpaudit.cli.report;

import static dev.mcpaudit.cli.report.ReportText.n;
import static dev.mcpaudit.cli.report.ReportText.orDash;

import dev.mcpaudit.cli.report.Report.AccountRow;
import dev.mcpaudit.cli.report.Report.Bucket;
import dev.mcpaudit.cli.report.Report.CallRow;
import dev.mcpaudit.cli.report.Report.Counts;
import dev.mcpaudit.cli.report.Report.Listing;
import dev.mcpaudit.cli.report.Report.OperationRow;
import dev.mcpaudit.cli.report.Report.Problem;
import dev.mcpaudit.cli.report.Report.PurgeRow;
import dev.mcpaudit.cli.report.Report.RefusedProfileRow;
import dev.mcpaudit.cli.report.Report.ServiceRow;
import dev.mcpaudit.cli.report.Report.SessionRow;
import dev.mcpaudit.cli.report.Report.Timeline;
import dev.mcpaudit.cli.report.Report.Verification;
import java.util.List;
import java.util.Locale;

/**
 * The report as one self-contained HTML file: inline CSS, an inline SVG timeline, no scripts, fonts
 * or anything else fetched. The markup is also well-formed XML (every element closed, only the five
 * XML entities), so it can be checked with any XML parser. All recorded text is escaped.
 */
final class ReportHtml {
    static final String OK_COLOR = "#2e7d32";
    static final String ERROR_COLOR = "#ef6c00";
    static final String DENIED_COLOR = "#c62828";
    static final String INCOMPLETE_COLOR = "#9e9e9e";

    private static final String CSS = String.join("\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:2em auto;"
                    + "max-width:1200px;padding:0 1em;color:#1b1b1b;line-height:1.4}",
            "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd;"
                    + "padding-bottom:.2em}",
            // A table wider than the window scrolls on its own instead of being cut off at the page's edge.
            "table{border-collapse:collapse;margin:.5em 0;font-size:.9em;display:block;overflow-x:auto;max-width:100%}",
            "th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}",
            "th{background:#f5f5f5}td.n{text-align:right;font-variant-numeric:tabular-nums}",
            "code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.95em}",
            // Operation names, ids and timestamps wrap at spaces only, never inside a word.
            "td,code{overflow-wrap:normal;word-break:keep-all}",
            ".t{white-space:nowrap}.w{white-space:nowrap}",
            // Arguments may be long unbroken JSON: they alone may break anywhere rather than widen the table.
            "code.args{white-space:pre-wrap;overflow-wrap:anywhere}",
            "pre{margin:0;max-width:48em;overflow-x:auto;background:#f7f7f7;padding:.4em .6em;border-radius:4px}",
            "pre code{white-space:pre}",
            ".unclean{background:#fff8e1}",
            ".meta td:first-child{font-weight:600;background:#fafafa}",
            ".cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}",
            ".card{border:1px solid #ddd;border-radius:6px;padding:.5em 1em;min-width:8em}",
            ".card .v{font-size:1.5em;font-weight:700}.card .l{color:#555;font-size:.85em}",
            ".good{background:#e8f5e9;border-color:#a5d6a7}.bad{background:#ffebee;border-color:#ef9a9a}",
            ".warn{background:#fff8e1;border-color:#ffe082}",
            ".verdict{padding:.6em 1em;border:1px solid;border-radius:6px}",
            ".legend span{display:inline-block;margin-right:1.2em}",
            ".sw{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em}",
            ".note{color:#555;font-size:.9em}",
            "svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:11px;"
                    + "fill:#333}");

    private ReportHtml() {}

    static String render(Report r) {
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>").append(esc(ReportText.title(r))).append("</title>\n")
                .append("<style>\n").append(CSS).append("\n</style>\n</head>\n<body>\n");
        b.append("<h1>").append(esc(ReportText.title(r))).append("</h1>\n");
        b.append("<table class=\"meta\">\n");
        meta(b, "Scope", r.scope().description());
        meta(b, "Calls", ReportText.period(r));
        meta(b, "Log", r.database() + " (" + ReportText.logName(r) + ")");
        meta(b, "Generated", r.generatedAt());
        b.append("</table>\n");

        Verification v = r.verification();
        String vClass = !v.performed() ? "warn" : v.intact() ? "good" : "bad";
        b.append("<div class=\"cards\">\n");
        card(b, n(r.totals().calls()), "calls", "");
        card(b, n(r.totals().errors()), "errors", r.totals().errors() > 0 ? "warn" : "");
        card(b, n(r.totals().denied()), "denied", r.totals().denied() > 0 ? "bad" : "");
        card(b, n(r.totals().mutating()), "mutating", r.totals().mutating() > 0 ? "warn" : "");
        card(b, n(r.totals().incomplete()), "incomplete", "");
        card(b, ReportText.verdict(v), "chain", vClass);
        b.append("</div>\n");

        if (r.empty()) {
            b.append("<p class=\"verdict warn\"><strong>").append(esc(r.noCallsMessage())).append(".</strong></p>\n");
        }

        b.append("<h2>Chain verification: ").append(esc(ReportText.verdict(v))).append("</h2>\n");
        b.append("<p class=\"verdict ").append(vClass).append("\">").append(esc(ReportText.verificationDetail(v)))
                .append("</p>\n");
        if (!v.problems().isEmpty()) {
            b.append("<table>\n<tr><th>seq</th><th>problem</th><th>detail</th></tr>\n");
            for (Problem p : v.problems()) {
                b.append("<tr><td class=\"n\">").append(p.seq()).append("</td><td>").append(esc(p.kind()))
                        .append("</td><td>").append(esc(p.detail())).append("</td></tr>\n");
            }
            b.append("</table>\n");
            if (v.problemsTotal() > v.problems().size()) {
                b.append("<p class=\"note\">… and ").append(n(v.problemsTotal() - v.problems().size()))
                        .append(" more; <code>audit-cli verify</code> lists them all.</p>\n");
            }
        }
        if (r.empty()) {
            return b.append("</body>\n</html>\n").toString();
        }

        b.append("<h2>Timeline: calls ").append(ReportText.unitPlural(r.timeline().unit())).append(" (UTC)</h2>\n");
        b.append("<p class=\"note\">Calls ").append(ReportText.unitPlural(r.timeline().unit())).append(' ')
                .append(esc(ReportText.timelineSpan(r.timeline()))).append(".</p>\n");
        b.append(svg(r.timeline()));
        b.append("<p class=\"legend\">");
        legend(b, OK_COLOR, "ok");
        legend(b, ERROR_COLOR, "errors");
        legend(b, DENIED_COLOR, "denied");
        legend(b, INCOMPLETE_COLOR, "incomplete");
        b.append("</p>\n");

        b.append("<h2>Accounts and profiles</h2>\n<table>\n<tr><th>profile</th><th>account</th>").append(countHeads())
                .append("<th>first call</th><th>last call</th></tr>\n");
        for (AccountRow a : r.accounts()) {
            b.append("<tr><td class=\"t\">").append(esc(orDash(a.profile()))).append("</td><td class=\"t\">")
                    .append(esc(orDash(a.accountId()))).append("</td>").append(countCells(a.counts())).append(time(a.firstCall())).append(time(a.lastCall()))
                    .append("</tr>\n");
        }
        b.append("<tr><th>total</th><th></th>").append(countCells(r.totals()).replace("<td", "<th").replace("</td>", "</th>"))
                .append("<th class=\"t\">").append(esc(r.firstCall())).append("</th><th class=\"t\">")
                .append(esc(r.lastCall())).append("</th></tr>\n</table>\n");
        b.append("<p class=\"note\">").append(esc(ReportText.COUNTS_NOTE));
        if (ReportText.refusedInTotal(r) != null) {
            b.append(' ').append(esc(ReportText.refusedInTotal(r)));
        }
        b.append("</p>\n");
        refusedProfiles(b, r.refusedProfiles());

        sessions(b, r.sessions());

        b.append("<h2>AWS services</h2>\n");
        if (r.services().isEmpty()) {
            b.append("<p>No AWS CLI operations in scope.</p>\n");
        } else {
            b.append("<table>\n<tr><th>service</th><th>operations</th>").append(countHeads()).append("</tr>\n");
            for (ServiceRow s : r.services()) {
                b.append("<tr><td>").append(esc(s.service())).append("</td><td class=\"n\">").append(s.operations())
                        .append("</td>").append(countCells(s.counts())).append("</tr>\n");
            }
            b.append("</table>\n");
        }

        b.append("<h2>Operations and tools</h2>\n<table>\n<tr><th>operation</th><th>mutating</th><th>calls</th>"
                + "<th>ok</th><th>errors</th><th>denied</th><th>incomplete</th><th>profiles</th></tr>\n");
        for (OperationRow o : r.operations()) {
            Counts c = o.counts();
            b.append("<tr><td><code>").append(words(o.label())).append("</code></td><td>")
                    .append(o.mutating() ? "yes" : "no").append("</td>").append(num(c.calls())).append(num(c.ok()))
                    .append(num(c.errors())).append(num(c.denied())).append(num(c.incomplete())).append("<td>")
                    .append(esc(String.join(", ", o.profiles()))).append("</td></tr>\n");
        }
        b.append("</table>\n");

        calls(b, "Mutating calls", r.mutatingCalls(), false, null);
        calls(b, "Denied attempts", r.deniedCalls(), true, ReportText.lookAlikes(r));
        purges(b, r.purges());
        protectedWrites(b, r.protectedWrites());
        return b.append("</body>\n</html>\n").toString();
    }

    /** Only when the scope has approvals: a log without --confirm-writes has none. */
    private static void protectedWrites(StringBuilder b, Listing<Report.ApprovalRow> writes) {
        if (writes.total() == 0) {
            return;
        }
        b.append("<h2>").append(esc(ReportApprovals.TITLE)).append(" (").append(n(writes.total())).append(")</h2>\n");
        b.append("<p class=\"note\">").append(esc(ReportApprovals.NOTE)).append("</p>\n");
        b.append("<table>\n<tr><th>time</th><th>profile</th><th>account</th><th>operation</th><th>arguments</th>"
                + "<th>decision</th><th>reason</th><th>answered in</th><th>call</th></tr>\n");
        for (Report.ApprovalRow w : writes.rows()) {
            b.append("<tr>").append(time(w.time())).append("<td>").append(esc(orDash(w.profile()))).append("</td><td>")
                    .append(esc(orDash(w.accountId()))).append("</td><td><code>")
                    .append(esc(w.operation().isEmpty() ? orDash(w.tool()) : w.operation())).append("</code></td><td><code>")
                    .append(words(ReportText.args(w.args()))).append("</code></td><td>")
                    .append(esc(ReportApprovals.who(w))).append("</td><td>").append(esc(orDash(w.reason())))
                    .append("</td><td class=\"n\">")
                    .append(w.answerMs() == null ? "–" : n(w.answerMs().longValue()) + " ms").append("</td><td><code>")
                    .append(esc(orDash(w.callId()))).append("</code></td></tr>\n");
        }
        b.append("</table>\n");
        more(b, writes.notListed(), "approvals");
    }

    private static void purges(StringBuilder b, Listing<PurgeRow> purges) {
        b.append("<h2>Purged payloads (").append(n(purges.total())).append(")</h2>\n");
        if (purges.total() == 0) {
            b.append("<p>None.</p>\n");
            return;
        }
        b.append("<p class=\"note\">Values removed from the log with <code>audit-cli purge</code>; each purge is itself"
                + " recorded in the chain.</p>\n");
        b.append("<table>\n<tr><th>purged at</th><th>by</th><th>what</th><th>call</th><th>reason</th><th>record</th></tr>\n");
        for (PurgeRow p : purges.rows()) {
            b.append("<tr>").append(time(p.time())).append("<td>").append(esc(orDash(p.osUser())))
                    .append("</td><td><code>").append(esc(ReportText.purged(p))).append("</code></td><td><code>")
                    .append(esc(orDash(p.callId()))).append("</code></td><td>").append(esc(orDash(p.reason())))
                    .append("</td><td class=\"n\">seq ").append(p.purgeSeq()).append("</td></tr>\n");
        }
        b.append("</table>\n");
        more(b, purges.notListed(), "purges");
    }

    /** A stacked bar chart of the timeline, one bar per bucket, with a tooltip per bar. */
    static String svg(Timeline t) {
        final int width = 960;
        final int height = 280;
        final int left = 56;
        final int right = 12;
        final int top = 12;
        final int bottom = 44;
        double plotW = width - left - right;
        double plotH = height - top - bottom;
        List<Bucket> buckets = t.buckets();
        // Four gridline steps of a round size, so every gridline has an exact label.
        long yStep = niceCeiling(Math.max(1, (t.maxTotal() + 3) / 4));
        long yMax = 4 * yStep;
        StringBuilder s = new StringBuilder();
        s.append("<svg viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" width=\"100%\" ")
                .append("role=\"img\" aria-label=\"Calls ").append(ReportText.unitPlural(t.unit()))
                .append(" by outcome\" style=\"max-width:").append(width).append("px;height:auto\">\n");
        s.append("<title>Calls ").append(ReportText.unitPlural(t.unit())).append(" by outcome (UTC)</title>\n");
        for (int i = 0; i <= 4; i++) {
            double y = top + plotH - plotH * i / 4.0;
            long value = yStep * i;
            s.append("<line x1=\"").append(left).append("\" x2=\"").append(width - right).append("\" y1=\"")
                    .append(f(y)).append("\" y2=\"").append(f(y)).append("\" stroke=\"")
                    .append(i == 0 ? "#666" : "#e0e0e0").append("\" stroke-width=\"1\"/>\n");
            s.append("<text x=\"").append(left - 6).append("\" y=\"").append(f(y + 4))
                    .append("\" text-anchor=\"end\">").append(n(value)).append("</text>\n");
        }
        int count = buckets.size();
        double slot = count == 0 ? plotW : plotW / count;
        double barW = Math.max(0.5, slot * (count > 60 ? 0.9 : 0.75));
        int labelEvery = tickStep(t.unit(), count);
        for (int i = 0; i < count; i++) {
            Bucket k = buckets.get(i);
            double x = left + i * slot + (slot - barW) / 2;
            double base = top + plotH;
            s.append("<g><title>").append(esc(tooltip(k, t.unit()))).append("</title>");
            long[] parts = {k.ok(), k.errors(), k.denied(), k.incomplete()};
            String[] colors = {OK_COLOR, ERROR_COLOR, DENIED_COLOR, INCOMPLETE_COLOR};
            for (int p = 0; p < parts.length; p++) {
                if (parts[p] == 0) {
                    continue;
                }
                double h = plotH * parts[p] / yMax;
                base -= h;
                s.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(base)).append("\" width=\"")
                        .append(f(barW)).append("\" height=\"").append(f(h)).append("\" fill=\"").append(colors[p])
                        .append("\"/>");
            }
            if (k.total() == 0) {
                // An empty bucket still gets a hit area, so its tooltip says "0 calls".
                s.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(top)).append("\" width=\"")
                        .append(f(barW)).append("\" height=\"").append(f(plotH)).append("\" fill=\"transparent\"/>");
            }
            s.append("</g>\n");
            if (isTick(k.start(), t.unit(), i, labelEvery)) {
                double cx = left + i * slot + slot / 2;
                s.append("<line x1=\"").append(f(cx)).append("\" x2=\"").append(f(cx)).append("\" y1=\"")
                        .append(f(top + plotH)).append("\" y2=\"").append(f(top + plotH + 4))
                        .append("\" stroke=\"#666\"/>");
                s.append("<text x=\"").append(f(cx)).append("\" y=\"").append(f(top + plotH + 17))
                        .append("\" text-anchor=\"middle\">").append(esc(axisLabel(k.start(), t.unit())))
                        .append("</text>\n");
            }
        }
        s.append("<text x=\"").append(left + plotW / 2).append("\" y=\"").append(height - 6)
                .append("\" text-anchor=\"middle\">Calls ").append(ReportText.unitPlural(t.unit())).append(' ')
                .append(esc(ReportText.timelineSpan(t))).append("</text>\n");
        return s.append("</svg>\n").toString();
    }

    private static String tooltip(Bucket k, String unit) {
        return ReportText.bucketLabel(k.start(), unit) + ": " + n(k.total()) + (k.total() == 1 ? " call (" : " calls (")
                + n(k.ok()) + " ok, " + n(k.errors()) + (k.errors() == 1 ? " error, " : " errors, ") + n(k.denied())
                + " denied, " + n(k.incomplete()) + " incomplete)";
    }

    /**
     * A tick label: the time of day for minutes and hours ("14:05"; with the date at midnight), the date
     * for days and weeks ("12-05").
     */
    static String axisLabel(String start, String unit) {
        String time = start.substring(11, 16);
        return switch (unit) {
            case "minute" -> time;
            case "hour" -> time.equals("00:00") ? start.substring(5, 10) + " " + time : time;
            default -> start.substring(5, 10);
        };
    }

    /**
     * Buckets between ticks, so that a timeline has at most about 12: round steps of the unit (5, 10, 15,
     * 30 minutes; 2, 3, 6, 12 hours; 2, 3, 7 days; weeks), so ticks fall on round times.
     */
    static int tickStep(String unit, int buckets) {
        int[] steps = switch (unit) {
            case "minute" -> new int[] {1, 5, 10, 15, 30, 60, 120};
            case "hour" -> new int[] {1, 2, 3, 6, 12, 24};
            case "day" -> new int[] {1, 2, 3, 7, 14, 28};
            default -> new int[] {1, 2, 4, 8, 13, 26, 52};
        };
        for (int step : steps) {
            if (buckets / step <= 12) {
                return step;
            }
        }
        return Math.max(1, buckets / 12);
    }

    /**
     * Whether bucket {@code i} (starting at {@code start}) gets a tick: minutes and hours on round
     * times of the day (14:00, 14:15), days and weeks every {@code step} from the first.
     */
    private static boolean isTick(String start, String unit, int i, int step) {
        int minuteOfDay = Integer.parseInt(start.substring(11, 13)) * 60 + Integer.parseInt(start.substring(14, 16));
        return switch (unit) {
            case "minute" -> minuteOfDay % step == 0;
            case "hour" -> (minuteOfDay / 60) % step == 0;
            default -> i % step == 0;
        };
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v}. */
    static long niceCeiling(long v) {
        long p = 1;
        while (true) {
            for (long m : new long[] {1, 2, 5}) {
                if (m * p >= v) {
                    return m * p;
                }
            }
            p *= 10;
        }
    }

    private static void sessions(StringBuilder b, Listing<SessionRow> sessions) {
        b.append("<h2>Sessions (who)</h2>\n<table>\n<tr><th>session</th><th>agent</th><th>host</th><th>user</th>"
                + "<th>proxy</th><th>calls</th><th>first call</th><th>last call</th><th>end</th></tr>\n");
        for (SessionRow s : sessions.rows()) {
            b.append(s.cleanEnd() ? "<tr>" : "<tr class=\"unclean\">").append("<td><code class=\"t\">")
                    .append(esc(s.sessionId())).append("</code></td><td>")
                    .append(esc(orDash(s.clientLabel()))).append("</td><td>").append(esc(orDash(s.host())))
                    .append("</td><td>").append(esc(orDash(s.osUser()))).append("</td><td>")
                    .append(esc(orDash(s.proxyVersion()))).append("</td>").append(num(s.calls()))
                    .append(time(s.firstCall())).append(time(s.lastCall())).append("<td>")
                    .append(s.cleanEnd() ? esc(s.end()) : "<strong>" + esc(s.end()) + "</strong>").append("</td></tr>\n");
        }
        b.append("</table>\n");
        more(b, sessions.notListed(), "sessions");
    }

    /** {@code note}: a sentence under the heading (the look-alikes a profile scope took in), or null. */
    private static void calls(StringBuilder b, String title, Listing<CallRow> calls, boolean denied, String note) {
        b.append("<h2>").append(title).append(" (").append(n(calls.total())).append(")</h2>\n");
        if (note != null) {
            b.append("<p class=\"verdict warn\">").append(esc(note.substring(0, 1).toUpperCase(Locale.ROOT)
                    + note.substring(1))).append(".</p>\n");
        }
        if (calls.total() == 0) {
            b.append("<p>None.</p>\n");
            return;
        }
        if (!calls.rows().isEmpty()) {
            b.append(denied ? "<table>\n<tr><th>time</th><th>profile asked for</th><th>account</th><th>operation</th>"
                    + "<th>reason</th><th>arguments</th></tr>\n"
                    : "<table>\n<tr><th>time</th><th>profile</th><th>account</th><th>region</th><th>operation</th>"
                    + "<th>outcome</th><th>arguments</th></tr>\n");
            for (CallRow c : calls.rows()) {
                b.append("<tr>").append(time(c.time())).append("<td>")
                        .append(c.profileRefused() ? "<code class=\"w\">" + esc(c.profileLabel()) + "</code>"
                                : esc(orDash(c.profile())))
                        .append("</td><td class=\"t\">").append(esc(orDash(c.accountId()))).append("</td><td>");
                if (!denied) {
                    b.append("<span class=\"w\">").append(esc(orDash(c.region()))).append("</span></td><td>");
                }
                b.append("<code>").append(words(ReportText.what(c))).append("</code></td><td>");
                if (denied) {
                    b.append(esc(orDash(c.detail())));
                } else {
                    b.append(esc(orDash(c.outcome())));
                    if (c.detail() != null) {
                        b.append(": ").append(esc(c.detail()));
                    }
                }
                String script = ReportText.script(c);
                b.append("</td><td>").append(script != null ? "<pre><code>" + esc(script) + "</code></pre>"
                        : "<code class=\"args\">" + words(ReportText.args(c), MAX_WHOLE_WORD) + "</code>")
                        .append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        more(b, calls.notListed(), title.toLowerCase(Locale.ROOT));
    }

    /** Refused aws_profile values, on their own and quoted: never profiles. */
    private static void refusedProfiles(StringBuilder b, List<RefusedProfileRow> refused) {
        if (refused.isEmpty()) {
            return;
        }
        b.append("<h2>Refused aws_profile values (").append(refused.size()).append(")</h2>\n");
        b.append("<p class=\"note\">").append(esc(ReportText.REFUSED_NOTE)).append("</p>\n");
        b.append("<table>\n<tr><th>value asked for</th><th>denied attempts</th><th>first attempt</th>"
                + "<th>last attempt</th></tr>\n");
        for (RefusedProfileRow p : refused) {
            // white-space:pre keeps a leading or trailing space of the quoted value visible.
            b.append("<tr><td><code class=\"w\" style=\"white-space:pre\">").append(esc(p.quoted()))
                    .append("</code></td>").append(num(p.attempts())).append(time(p.firstAttempt()))
                    .append(time(p.lastAttempt())).append("</tr>\n");
        }
        b.append("</table>\n");
    }

    /** A timestamp cell that never wraps. */
    private static String time(String t) {
        return "<td class=\"t\">" + esc(t) + "</td>";
    }

    /** Longest word of the arguments kept whole; a longer one (unspaced JSON) may break anywhere. */
    static final int MAX_WHOLE_WORD = 48;

    /** Text that may wrap at its spaces only: each word kept whole (hyphens included). */
    static String words(String text) {
        return words(text, Integer.MAX_VALUE);
    }

    /** As {@link #words(String)}, but words longer than {@code maxWhole} may break where they must. */
    static String words(String text, int maxWhole) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (String w : text.split(" ", -1)) {
            if (b.length() > 0) {
                b.append(' ');
            }
            if (w.length() > maxWhole) {
                b.append(esc(w));
            } else if (!w.isEmpty()) {
                b.append("<span class=\"w\">").append(esc(w)).append("</span>");
            }
        }
        return b.toString();
    }

    private static void more(StringBuilder b, long notListed, String what) {
        if (notListed > 0) {
            b.append("<p class=\"note\">").append(esc(ReportText.notListed(notListed, what))).append("</p>\n");
        }
    }

    private static String countHeads() {
        return "<th>calls</th><th>ok</th><th>errors</th><th>denied</th><th>incomplete</th><th>mutating</th>";
    }

    private static String countCells(Counts c) {
        return num(c.calls()) + num(c.ok()) + num(c.errors()) + num(c.denied()) + num(c.incomplete())
                + num(c.mutating());
    }

    private static String num(long v) {
        return "<td class=\"n\">" + n(v) + "</td>";
    }

    private static void card(StringBuilder b, String value, String label, String cls) {
        b.append("<div class=\"card").append(cls.isEmpty() ? "" : " " + cls).append("\"><div class=\"v\">")
                .append(esc(value)).append("</div><div class=\"l\">").append(label).append("</div></div>\n");
    }

    private static void legend(StringBuilder b, String color, String label) {
        b.append("<span><span class=\"sw\" style=\"background:").append(color).append("\"></span>").append(label)
                .append("</span>");
    }

    private static void meta(StringBuilder b, String name, String value) {
        b.append("<tr><td>").append(name).append("</td><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * Escapes text for HTML and XML alike: the five special characters, and characters XML cannot
     * hold (controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD.
     */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(ch).append(s.charAt(++i));
                    } else if (Character.isSurrogate(ch) || ch == '\uFFFE' || ch == '\uFFFF'
                            || (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')) {
                        b.append('\uFFFD');
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.toString();
    }
}
