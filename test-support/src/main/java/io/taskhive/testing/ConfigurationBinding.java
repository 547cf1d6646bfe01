package io.taskhive.testing;

import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * A {@code @ConfigurationProperties} record bound from a few settings the way Spring Boot binds it
 * in a service (relaxed names, {@code @DefaultValue}s, conversions such as "5s"), so a test sees the
 * defaults the service really runs with instead of values it typed itself.
 */
public final class ConfigurationBinding {

    private ConfigurationBinding() {
    }

    /** {@code settings} are named without the prefix, e.g. {@code bind("taskhive.worker", ..., Map.of("orphan-grace", "30s"))}. */
    public static <T> T bind(String prefix, Class<T> type, Map<String, String> settings) {
        MapConfigurationPropertySource source = new MapConfigurationPropertySource();
        settings.forEach((name, value) -> source.put(prefix + "." + name, value));
        return new Binder(source).bindOrCreate(prefix, type);
    }
}
