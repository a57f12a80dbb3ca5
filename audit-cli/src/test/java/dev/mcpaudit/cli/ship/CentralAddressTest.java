package dev.mcpaudit.cli.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where ship connects and as whom: the URL first, then libpq's variables, never a password in the URL. */
class CentralAddressTest {

    @Test
    void theUrlWinsAndTheEnvironmentFillsTheRest() {
        CentralAddress a = CentralAddress.parse("postgresql://shipper@db.example.com:6432/audit",
                Map.of("PGHOST", "other", "PGPORT", "1", "PGUSER", "nobody", "PGPASSWORD", "s3cret"));

        assertThat(a).isEqualTo(new CentralAddress("db.example.com", 6432, "audit", "shipper", "s3cret", null));
        assertThat(a.toString()).isEqualTo("shipper@db.example.com:6432/audit").doesNotContain("s3cret");
    }

    @Test
    void aBareUrlTakesLibpqsVariablesAndDefaults() {
        assertThat(CentralAddress.parse("postgresql://", Map.of("PGHOST", "pg.internal", "PGDATABASE", "audit",
                "PGUSER", "rev", "PGSSLMODE", "verify-full")))
                .isEqualTo(new CentralAddress("pg.internal", 5432, "audit", "rev", null, "verify-full"));
        CentralAddress defaults = CentralAddress.parse("postgres:///audit", Map.of());
        assertThat(defaults.host()).isEqualTo("localhost");
        assertThat(defaults.port()).isEqualTo(5432);
        assertThat(defaults.user()).isEqualTo(System.getProperty("user.name"));
    }

    @Test
    void aPasswordInTheUrlIsRefusedAndNeverRepeated() {
        assertThatThrownBy(() -> CentralAddress.parse("postgresql://u:hunter2@h/db", Map.of()))
                .hasMessageContaining("holds a password").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> CentralAddress.parse("postgresql://u@h/db?password=hunter2", Map.of()))
                .hasMessageContaining("holds a password").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> CentralAddress.parse("mysql://u@h/db", Map.of()))
                .hasMessageContaining("not a postgresql:// URL");
    }

    @Test
    void aGlobBecomesTheSameAnchoredPattern() {
        assertThat(CentralCallQueries.globToRegex("aws___*")).isEqualTo("^aws___.*$");
        assertThat(CentralCallQueries.globToRegex("a.b?[xy]")).isEqualTo("^a\\.b.[xy]$");
    }
}
