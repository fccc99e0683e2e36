package dev.stt.cli;

import dev.stt.model.ModelManifest;
import dev.stt.model.ModelStore;
import java.nio.file.Path;
import java.util.List;

/** {@code stt models list} and {@code stt models pull NAME...}. */
final class ModelsCommand implements Subcommand {

    @Override
    public String name() {
        return "models";
    }

    @Override
    public String summary() {
        return "list | pull NAME...   show the known models, or download and verify them";
    }

    @Override
    public int run(List<String> args) throws Exception {
        if (args.isEmpty()) {
            throw new SttCommand.UsageException("expected 'list' or 'pull NAME...'");
        }
        ModelStore store = ModelStore.fromEnvironment();
        switch (args.get(0)) {
            case "list" -> {
                System.out.printf("%-24s %-10s %-8s %10s  %s%n", "NAME", "ENGINE", "CACHED", "SIZE", "DESCRIPTION");
                for (ModelManifest m : store.available()) {
                    System.out.printf("%-24s %-10s %-8s %9.1fM  %s%n", m.name(), m.engine(),
                            store.isCached(m) ? "yes" : "no", m.downloadSize() / 1e6, m.description());
                }
                System.out.println("cache: " + store.root());
                return 0;
            }
            case "pull" -> {
                if (args.size() < 2) {
                    throw new SttCommand.UsageException("pull needs at least one model name");
                }
                for (String name : args.subList(1, args.size())) {
                    Path dir = store.ensure(name);
                    System.out.println(name + ": " + dir);
                }
                return 0;
            }
            default -> throw new SttCommand.UsageException("unknown models command '" + args.get(0) + "'");
        }
    }
}
