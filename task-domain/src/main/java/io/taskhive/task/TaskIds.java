package io.taskhive.task;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Task ids: UUID version 7 (RFC 9562), a millisecond timestamp followed by 74 bits from a
 * {@link SecureRandom}. Unguessable enough to be handed to clients, and time-ordered so inserts stay
 * at the right edge of the primary-key index instead of scattering over it like random UUIDs.
 */
public final class TaskIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TaskIds() {
    }

    public static UUID next() {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long millis = System.currentTimeMillis();
        long high = (millis << 16) | 0x7000L | ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
        long low = 0x8000000000000000L | ((random[2] & 0x3FL) << 56);
        for (int i = 3; i < 10; i++) {
            low |= (random[i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(high, low);
    }
}
