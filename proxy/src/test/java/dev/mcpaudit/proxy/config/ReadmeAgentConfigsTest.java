package dev.mcpaudit.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpaudit.fixtures.cli.ReadmeCodeBlocks;
import dev.mcpaudit.fixtures.cli.ShellExample;
import dev.mcpaudit.proxy.ProxyMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every agent config in the README's "Wiring the proxy into your agent" parses in its own format,
 * starts the {@code mcp-audit-proxy} launcher with arguments the proxy accepts, and passes the
 * variables an agent's filtered environment would otherwise drop.
 */
class ReadmeAgentConfigsTest {
    private static final String SECTION = "Wiring the proxy into your agent";
    private static final String LAUNCHER = "mcp-audit-proxy";
    private static final List<String> PASSED_VARIABLES = List.of("AWS_PROFILE", "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION", "MCP_AUDIT_DB");

    /** One server entry as an agent would start it. */
    private record ServerEntry(String source, String command, List<String> args, Map<String, String> env) {
    }

    private static List<ReadmeCodeBlocks.Block> blocks;

    @BeforeAll
    static void readReadme() throws IOException {
        blocks = ReadmeCodeBlocks.under(Files.readString(Path.of("..", "README.md")), SECTION);
    }

    @Test
    void everyClientHasAConfig() {
        assertThat(blocks.stream().filter(b -> b.language().equals("json"))).hasSize(3); // .mcp.json, Kiro, Cursor
        assertThat(blocks.stream().filter(b -> b.language().equals("toml"))).hasSize(1); // Codex
        assertThat(claudeMcpAddEntries()).hasSize(1);
    }

    @Test
    void everyConfigStartsTheLauncherWithArgumentsTheProxyAccepts() {
        List<ServerEntry> entries = allEntries();

        assertThat(entries).hasSize(5);
        for (ServerEntry entry : entries) {
            assertThat(entry.command()).as(entry.source()).isEqualTo(LAUNCHER);
            CommandLine.ParseResult parsed = ProxyMain.commandLine(System.out).parseArgs(entry.args().toArray(String[]::new));
            assertThat(parsed.matchedPositionals()).as(entry.source() + ": the endpoint").isNotEmpty();
            assertThat(parsed.hasMatchedOption("--profile")).as(entry.source()).isTrue();
        }
    }

    @Test
    void everyConfigPassesTheVariablesTheProxyReads() {
        for (ServerEntry entry : allEntries()) {
            assertThat(entry.env()).as(entry.source()).containsKeys(PASSED_VARIABLES.toArray(String[]::new));
        }
    }

    @Test
    void aFlagTheProxyDoesNotKnowWouldFailThisTest() {
        assertThatThrownBy(() -> ProxyMain.commandLine(System.out)
                .parseArgs("https://aws-mcp.us-east-1.api.aws/mcp", "--profiles", "dev"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void theSubsetTomlReaderReadsWhatCodexWrites() {
        Map<String, Map<String, Object>> tables = TomlSubset.parse("""
                # comment
                [mcp_servers.x]
                command = "a"  # trailing
                args = ["b",
                        "c \\"q\\""]
                env = { K = "v" }
                """);

        assertThat(tables.get("mcp_servers.x")).containsEntry("command", "a")
                .containsEntry("args", List.of("b", "c \"q\"")).containsEntry("env", Map.of("K", "v"));
        assertThatThrownBy(() -> TomlSubset.parse("x = 1")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<ServerEntry> allEntries() {
        List<ServerEntry> entries = new ArrayList<>();
        entries.addAll(jsonEntries());
        entries.addAll(tomlEntries());
        entries.addAll(claudeMcpAddEntries());
        return entries;
    }

    private static List<ServerEntry> jsonEntries() {
        ObjectMapper json = new ObjectMapper();
        List<ServerEntry> entries = new ArrayList<>();
        for (ReadmeCodeBlocks.Block block : blocks) {
            if (!block.language().equals("json")) {
                continue;
            }
            JsonNode root;
            try {
                root = json.readTree(block.text());
            } catch (IOException e) {
                throw new AssertionError("README json block does not parse: " + e.getMessage() + "\n" + block.text(), e);
            }
            root.path("mcpServers").fields().forEachRemaining(server -> {
                List<String> args = new ArrayList<>();
                server.getValue().path("args").forEach(a -> args.add(a.asText()));
                Map<String, String> env = new LinkedHashMap<>();
                server.getValue().path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
                entries.add(new ServerEntry("json " + server.getKey(), server.getValue().path("command").asText(), args,
                        env));
            });
        }
        return entries;
    }

    @SuppressWarnings("unchecked")
    private static List<ServerEntry> tomlEntries() {
        List<ServerEntry> entries = new ArrayList<>();
        for (ReadmeCodeBlocks.Block block : blocks) {
            if (!block.language().equals("toml")) {
                continue;
            }
            Map<String, Map<String, Object>> tables = TomlSubset.parse(block.text());
            tables.forEach((name, table) -> {
                if (!name.matches("mcp_servers\\.[^.]+")) {
                    return;
                }
                Map<String, String> env = new LinkedHashMap<>();
                Map<String, Object> inlineEnv = (Map<String, Object>) table.getOrDefault("env", Map.of());
                inlineEnv.forEach((k, v) -> env.put(k, (String) v));
                tables.getOrDefault(name + ".env", Map.of()).forEach((k, v) -> env.put(k, (String) v));
                entries.add(new ServerEntry("toml " + name, (String) table.get("command"),
                        (List<String>) (List<?>) table.get("args"), env));
            });
        }
        return entries;
    }

    /** {@code claude mcp add NAME -e K=V … -- COMMAND ARGS…} lines. */
    private static List<ServerEntry> claudeMcpAddEntries() {
        List<ServerEntry> entries = new ArrayList<>();
        for (ReadmeCodeBlocks.Block block : blocks) {
            for (String line : block.text().lines().toList()) {
                List<String> words = ShellExample.parse(line, "claude").map(ShellExample::arguments).orElse(List.of());
                if (words.size() < 2 || !words.get(0).equals("mcp") || !words.get(1).equals("add")) {
                    continue;
                }
                int dashes = words.indexOf("--");
                assertThat(dashes).as("claude mcp add separates the command with --: " + line).isPositive();
                Map<String, String> env = new LinkedHashMap<>();
                for (int i = 2; i < dashes; i++) {
                    if (words.get(i).equals("-e") || words.get(i).equals("--env")) {
                        String[] pair = words.get(++i).split("=", 2);
                        env.put(pair[0], pair[1]);
                    }
                }
                List<String> command = words.subList(dashes + 1, words.size());
                entries.add(new ServerEntry("claude mcp add", command.get(0), command.subList(1, command.size()), env));
            }
        }
        return entries;
    }
}
