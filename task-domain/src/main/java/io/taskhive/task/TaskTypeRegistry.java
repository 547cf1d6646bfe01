package io.taskhive.task;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/** Every {@link TaskType} in the application context, by key and by seed-1 code. */
@Component
public class TaskTypeRegistry {

    private final Map<String, TaskType> byKey;
    private final Map<Integer, TaskType> byCode;

    public TaskTypeRegistry(List<TaskType> types) {
        this.byKey = types.stream().collect(Collectors.toMap(TaskType::key, Function.identity(),
                (a, b) -> {
                    throw new IllegalStateException("two task types share the key " + a.key());
                }, TreeMap::new));
        this.byCode = types.stream().filter(t -> t.code() > 0).collect(Collectors.toMap(TaskType::code,
                Function.identity(), (a, b) -> {
                    throw new IllegalStateException("two task types share the code " + a.code());
                }));
    }

    public Optional<TaskType> find(@Nullable String key) {
        return Optional.ofNullable(key == null ? null : byKey.get(key));
    }

    /** The type named by a key, or by a seed-1 numeric code such as {@code "2"}. */
    public TaskType require(@Nullable String keyOrCode) {
        if (keyOrCode != null) {
            TaskType type = byKey.get(keyOrCode.trim().toLowerCase(java.util.Locale.ROOT));
            if (type != null) {
                return type;
            }
            String trimmed = keyOrCode.trim();
            if (!trimmed.isEmpty() && trimmed.length() < 4 && trimmed.chars().allMatch(Character::isDigit)) {
                type = byCode.get(Integer.parseInt(trimmed));
                if (type != null) {
                    return type;
                }
            }
        }
        throw new UnknownTaskTypeException(String.valueOf(keyOrCode), keys());
    }

    public Collection<String> keys() {
        return byKey.keySet();
    }

    public Collection<TaskType> all() {
        return byKey.values();
    }
}
