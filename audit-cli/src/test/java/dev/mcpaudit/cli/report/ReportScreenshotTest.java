package dev.mcpaudit.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpaudit.cli.CliRun;
import dev.mcpaudit.fixtures.SyntheticCalls;
import dev.mcpaudit.schema.AuditLog;
import dev.mcpaudit.schema.EventType;
import dev.mcpaudit.schema.NewEvent;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report as a real browser draws it: headless Chromium takes a screenshot at 1280 and at 800
 * pixels wide, kept in {@code audit-cli/target/report-screenshots/} for a person to look at. The test
 * checks that the page was drawn at that width, with the timeline's bars in it. It needs Chromium
 * ({@code apt-get install chromium}, or {@code $CHROMIUM} naming the binary); {@code .ci/run} installs it.
 */
class ReportScreenshotTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOTS = Path.of("target", "report-screenshots");

    @TempDir
    Path dir;

    @Test
    void theReportIsDrawnAt1280AndAt800PixelsWide() throws Exception {
        Path db = dir.resolve("audit.db");
        try (AuditLog log = AuditLog.openForAppend(db)) {
            SyntheticCalls.fill(log, 300, 16, Instant.parse("2026-12-05T14:00:00Z"));
            String session = UUID.randomUUID().toString();
            ObjectNode started = JSON.createObjectNode();
            started.putArray("profiles").add("dev").add("prod");
            log.appender().append(new NewEvent(EventType.SESSION_STARTED, Instant.parse("2026-12-05T14:30:00Z"),
                    session, null, started));
            for (String value : List.of("prod ", "PROD", "\tprod")) {
                ObjectNode rejected = JSON.createObjectNode().put("method", "tools/call").put("profile", value)
                        .put("tool", "aws___call_aws").put("reason", "aws_profile is not an allowed profile");
                rejected.putObject("args").put("cli_command", "aws ec2 terminate-instances --instance-ids i-0123456789abcdef0");
                log.appender().append(new NewEvent(EventType.CALL_REJECTED, Instant.parse("2026-12-05T14:31:00Z"),
                        session, UUID.randomUUID().toString(), rejected));
            }
        }
        Path html = dir.resolve("report.html");
        CliRun run = CliRun.of("--db", db.toString(), "report", "--format", "html", "--out", html.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        Files.createDirectories(SCREENSHOTS);

        for (int width : new int[] {1280, 800}) {
            Path png = SCREENSHOTS.resolve("report-" + width + ".png").toAbsolutePath();
            Files.deleteIfExists(png);
            screenshot(html, png, width, 4000);

            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as("a PNG at " + png).isNotNull();
            assertThat(image.getWidth()).isEqualTo(width);
            assertThat(countPixels(image, 0x2e7d32)).as("the timeline's ok bars are drawn").isPositive();
        }
    }

    private void screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        String chromium = chromium();
        Process p = new ProcessBuilder(chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--force-device-scale-factor=1", "--user-data-dir=" + dir.resolve("chromium-profile"),
                "--window-size=" + width + "," + height, "--screenshot=" + png, html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium-" + width + ".log").toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium took more than 90 s to draw the report; see " + dir);
        }
        assertThat(Files.exists(png)).as("Chromium wrote " + png + " (exit " + p.exitValue() + "): "
                + Files.readString(dir.resolve("chromium-" + width + ".log"))).isTrue();
    }

    /** $CHROMIUM, else chromium or chromium-browser on the PATH. */
    private static String chromium() {
        String given = System.getenv("CHROMIUM");
        if (given != null && !given.isBlank()) {
            return given;
        }
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(d, name))) {
                    return Path.of(d, name).toString();
                }
            }
        }
        throw new AssertionError("this test draws the HTML report in headless Chromium, which is not installed:"
                + " install it (Debian: apt-get install chromium) or set CHROMIUM to its binary.");
    }

    private static long countPixels(BufferedImage image, int rgb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
