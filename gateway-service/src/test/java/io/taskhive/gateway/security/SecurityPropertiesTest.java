package io.taskhive.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The gateway refuses to start with a missing, short or example secret. */
class SecurityPropertiesTest {

    private static final String GOOD_SECRET = "a-real-secret-of-more-than-thirty-two-bytes";

    private static SecurityProperties with(String secret, String adminPassword) {
        return new SecurityProperties(secret, Duration.ofHours(1), "taskhive", 5, Duration.ofMinutes(5), "admin", adminPassword);
    }

    @Test
    void aRealSecretAndPasswordAreAccepted() {
        assertThat(with(GOOD_SECRET, "a-real-admin-password").issuer()).isEqualTo("taskhive");
        assertThat(with(GOOD_SECRET, null).adminPassword()).isNull();
    }

    @Test
    void missingShortOrPlaceholderSecretsAreRefused() {
        assertThatThrownBy(() -> with(null, null)).hasMessageContaining("TASKHIVE_JWT_SECRET");
        assertThatThrownBy(() -> with("short", null)).hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> with("change-me-to-something-long-enough-to-pass", null))
                .hasMessageContaining("TASKHIVE_JWT_SECRET");
        assertThatThrownBy(() -> with(GOOD_SECRET, "change-me")).hasMessageContaining("TASKHIVE_ADMIN_PASSWORD");
        assertThatThrownBy(() -> with(GOOD_SECRET, " Change-Me-Later ")).hasMessageContaining("placeholder");
    }

    @Test
    void theSecretNeverAppearsInItsTextForm() {
        assertThat(with(GOOD_SECRET, "a-real-admin-password").toString()).doesNotContain(GOOD_SECRET)
                .doesNotContain("a-real-admin-password");
    }
}
