package dev.mcpaudit.schema.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Long quoted values (a stylesheet passed to {@code --css}, a log line, a script's embedded JSON)
 * are redacted like short ones. The patterns for quoted text match a character run without
 * recursing once per character, so a 200 KB literal neither overflows a thread's stack (which
 * would lose the call's record) nor hides the secret that follows it.
 */
class LongValuesRedactionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Redactor REDACTOR = new Redactor(RedactionRules.defaults(), FingerprintKey.ephemeral());
    /** Smaller than any JVM's default thread stack, so the test does not depend on the machine. */
    private static final long STACK_BYTES = 256 * 1024;
    private static final String LONG = "a b ".repeat(50_000);
    private static final String ESCAPES = "\\\"x".repeat(30_000);

    static Stream<Arguments> inputs() {
        return Stream.of(
                arguments("cli_command with a long double-quoted value", (Supplier<String>) () -> cli(
                        "aws cognito-idp set-ui-customization --user-pool-id p --css \"" + LONG + "\" --client-secret Lng-S3cret-1")),
                arguments("cli_command with a long value full of escapes", (Supplier<String>) () -> cli(
                        "aws lambda invoke --function-name f --payload \"" + ESCAPES + "\" --cli-binary-format raw-in-base64-out "
                                + "--client-context password=Lng-S3cret-1 out.json")),
                arguments("script with long literals", (Supplier<String>) () -> script(
                        "css = \"" + LONG + "\"\nbody = '" + ESCAPES + "'\nargs = [\"--password\", \"Lng-S3cret-1\"]")),
                arguments("script with a long argument list literal", (Supplier<String>) () -> script(
                        "args = [\"--password\", \"" + LONG + "Lng-S3cret-1\"]")),
                arguments("text with long quoted strings and a pair after them", (Supplier<String>) () -> REDACTOR.redactText(
                        "note: \"" + LONG + "\" then '" + ESCAPES + "' then Name=DB_PASS,Value=Lng-S3cret-1")),
                arguments("long SQL literal", (Supplier<String>) () -> REDACTOR.redactText(
                        "ALTER USER app WITH PASSWORD '" + LONG + "Lng-S3cret-1'")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void aLongQuotedValueIsRedactedOnAModestStack(String what, Supplier<String> redaction) throws InterruptedException {
        AtomicReference<String> out = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(null, () -> {
            try {
                out.set(redaction.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "redact-small-stack", STACK_BYTES);
        worker.start();
        worker.join();

        assertThat(failure.get()).as(what).isNull();
        assertThat(out.get()).doesNotContain("Lng-S3cret-1").contains("[REDACTED:");
    }

    private static String cli(String command) {
        ObjectNode args = JSON.createObjectNode().put("cli_command", command);
        return REDACTOR.redactArguments("aws___call_aws", args).value().get("cli_command").asText();
    }

    private static String script(String code) {
        ObjectNode args = JSON.createObjectNode().put("script", code);
        return REDACTOR.redactArguments("aws___run_script", args).value().get("script").asText();
    }
}
