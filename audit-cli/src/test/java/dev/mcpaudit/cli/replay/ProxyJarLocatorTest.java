package dev.mcpaudit.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyJarLocatorTest {
    @TempDir
    Path repo;
    Path auditCliJar;
    Path builtProxy;

    @BeforeEach
    void layOutABuild() throws Exception {
        auditCliJar = Files.createDirectories(repo.resolve("audit-cli/target")).resolve("audit-cli.jar");
        Files.createFile(auditCliJar);
        builtProxy = Files.createDirectories(repo.resolve("proxy/target")).resolve("mcp-audit-proxy.jar");
        Files.createFile(builtProxy);
    }

    @Test
    void theFlagWinsThenTheEnvironmentThenBesideAuditCliThenTheRepositoryBuild() throws Exception {
        Path flag = Files.createFile(repo.resolve("flag.jar"));
        Path env = Files.createFile(repo.resolve("env.jar"));
        Path beside = Files.createFile(auditCliJar.resolveSibling("mcp-audit-proxy.jar"));

        assertThat(ProxyJarLocator.locate(flag, Map.of(ProxyJarLocator.ENV, env.toString()), auditCliJar)).isEqualTo(flag);
        assertThat(ProxyJarLocator.locate(null, Map.of(ProxyJarLocator.ENV, env.toString()), auditCliJar)).isEqualTo(env);
        assertThat(ProxyJarLocator.locate(null, Map.of(), auditCliJar)).isEqualTo(beside);
        Files.delete(beside);
        assertThat(ProxyJarLocator.locate(null, Map.of(), auditCliJar)).isEqualTo(builtProxy);
    }

    @Test
    void aNamedJarMustExist() {
        assertThatThrownBy(() -> ProxyJarLocator.locate(repo.resolve("nope.jar"), Map.of(), auditCliJar))
                .isInstanceOf(ReplayEnvironmentException.class)
                .hasMessageContaining("(from --proxy-jar) does not exist");
        assertThatThrownBy(() -> ProxyJarLocator.locate(null, Map.of(ProxyJarLocator.ENV, repo.resolve("nope.jar").toString()), auditCliJar))
                .hasMessageContaining("(from $MCP_AUDIT_PROXY_JAR) does not exist");
    }

    @Test
    void notFoundListsEveryPlaceLookedAt() throws Exception {
        Files.delete(builtProxy);

        assertThatThrownBy(() -> ProxyJarLocator.locate(null, Map.of(), auditCliJar))
                .isInstanceOf(ReplayEnvironmentException.class)
                .hasMessageContaining("--proxy-jar (not given), $MCP_AUDIT_PROXY_JAR (not set), "
                        + auditCliJar.resolveSibling("mcp-audit-proxy.jar") + ", " + builtProxy)
                .hasMessageContaining("pass --proxy-jar PATH");
    }
}
