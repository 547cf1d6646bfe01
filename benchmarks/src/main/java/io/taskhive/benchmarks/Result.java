package io.taskhive.benchmarks;

import java.util.Locale;

/** The one line a benchmark ends with, for scripts: {@code RESULT name=... key=value ...}. */
final class Result {

    private Result() {
    }

    static String line(String name, Object... keysAndValues) {
        StringBuilder line = new StringBuilder("RESULT name=").append(name);
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            Object value = keysAndValues[i + 1];
            String text = value instanceof Double d ? String.format(Locale.ROOT, "%.2f", d)
                    : String.valueOf(value);
            line.append(' ').append(keysAndValues[i]).append('=').append(text);
        }
        return line.toString();
    }

    static void print(String name, Object... keysAndValues) {
        System.out.println(line(name, keysAndValues));
        System.out.flush();
    }
}
