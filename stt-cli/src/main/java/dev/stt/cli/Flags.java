package dev.stt.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value}, {@code --name=value}, {@code --switch} and one-letter spellings of them, then positional arguments: every subcommand parses its line here. */
final class Flags {

    final Map<String, String> values = new HashMap<>();
    final List<String> positional = new ArrayList<>();

    static Flags parse(List<String> args, Set<String> valued, Set<String> switches) throws SttCommand.UsageException {
        return parse(args, valued, switches, Map.of());
    }

    /** @param shortNames one-letter spellings ({@code -m}) of long flags ({@code model}) */
    static Flags parse(List<String> args, Set<String> valued, Set<String> switches, Map<String, String> shortNames)
            throws SttCommand.UsageException {
        Flags f = new Flags();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.length() == 2 && a.charAt(0) == '-' && a.charAt(1) != '-') {
                String full = shortNames.get(a.substring(1));
                if (full == null) {
                    throw new SttCommand.UsageException("unknown option " + a);
                }
                a = "--" + full;
            }
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq > 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (switches.contains(name)) {
                    f.values.put(name, "true");
                } else if (valued.contains(name)) {
                    if (inline == null) {
                        if (i + 1 >= args.size()) {
                            throw new SttCommand.UsageException("--" + name + " needs a value");
                        }
                        inline = args.get(++i);
                    }
                    f.values.put(name, inline);
                } else {
                    throw new SttCommand.UsageException("unknown flag --" + name);
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                throw new SttCommand.UsageException("unknown option " + a);
            } else {
                f.positional.add(a);
            }
        }
        return f;
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    int integer(String name, int fallback) throws SttCommand.UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new SttCommand.UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
    }
}
