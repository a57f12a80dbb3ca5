package dev.mcpaudit.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void idsAreUniqueVersion7UuidsCarryingTheirCreationTime() {
        long before = System.currentTimeMillis();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = EventIds.next();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(7);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.getMostSignificantBits() >>> 16).isBetween(before, System.currentTimeMillis());
            assertThat(seen.add(id)).isTrue();
        }
    }

    @Test
    void idsMadeLaterSortAfterEarlierOnes() throws Exception {
        String first = EventIds.next();
        Thread.sleep(2);
        String later = EventIds.next();

        assertThat(later).isGreaterThan(first);
    }
}
