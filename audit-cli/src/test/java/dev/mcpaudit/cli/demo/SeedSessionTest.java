package dev.mcpaudit.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.fixtures.DemoSeed;
import dev.mcpaudit.fixtures.replay.Fixture;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedSessionTest {
    @Test
    void theShippedSessionHasBothProfilesTheRefusedAdminAndTheSecretPutBackInItsArgumentsOnly() {
        SeedSession seed = SeedSession.load();
        List<Fixture.Call> calls = seed.calls();

        assertThat(calls).extracting(Fixture.Call::profile).contains("dev", "prod", "admin");
        assertThat(calls).filteredOn(c -> c.profile().equals("admin")).extracting(Fixture.Call::outcome)
                .containsExactly(Fixture.Outcome.DENIED);
        assertThat(calls).filteredOn(c -> c.args().toString().contains(DemoSeed.SECRET)).hasSize(1);
        assertThat(calls).allSatisfy(c -> assertThat(c.args().toString()).doesNotContain("[REDACTED:"));
        assertThat(calls).allSatisfy(c -> assertThat(String.valueOf(c.result())).doesNotContain(DemoSeed.SECRET));
    }
}
