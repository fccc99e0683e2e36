package dev.stt.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of the bench main classes; unknown names fail with the usage line. */
public final class BenchArgs {

    private final Map<String, String> values = new HashMap<>();
    private final String usage;

    public BenchArgs(String[] args, Set<String> known, String usage) {
        this.usage = usage;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !known.contains(a.substring(2)) || i + 1 >= args.length) {
                throw new IllegalArgumentException("bad argument '" + a + "'; usage: " + usage);
            }
            values.put(a.substring(2), args[++i]);
        }
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public int positiveInt(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " wants a positive integer, got '" + v + "'; usage: " + usage);
        }
    }

    public int nonNegativeInt(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " wants an integer >= 0, got '" + v + "'; usage: " + usage);
        }
    }
}
