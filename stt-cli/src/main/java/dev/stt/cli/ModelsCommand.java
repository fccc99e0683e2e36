package dev.stt.cli;

import dev.stt.model.ModelManifest;
import dev.stt.model.ModelStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code stt models list} and {@code stt models pull NAME...}. A NAME may also be the path of a
 * manifest file ({@code my-model.properties}) for a model this build does not know.
 */
final class ModelsCommand implements Subcommand {

    private final Supplier<ModelStore> stores;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;

    ModelsCommand() {
        this(ModelStore::fromEnvironment, System.out, System.err, ProgressBar.stderrIsTerminal());
    }

    /** @param terminal whether {@code err} is a terminal (draw a bar) or a log (print lines) */
    ModelsCommand(Supplier<ModelStore> stores, PrintStream out, PrintStream err, boolean terminal) {
        this.stores = stores;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

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
        return switch (args.get(0)) {
            case "list" -> {
                if (args.size() > 1) {
                    throw new SttCommand.UsageException("list takes no arguments");
                }
                yield list(stores.get());
            }
            case "pull" -> {
                if (args.size() < 2) {
                    throw new SttCommand.UsageException("pull needs at least one model name (see 'stt models list')");
                }
                yield pull(stores.get(), args.subList(1, args.size()));
            }
            default -> throw new SttCommand.UsageException("unknown models command '" + args.get(0)
                    + "' (expected 'list' or 'pull NAME...')");
        };
    }

    private int list(ModelStore store) throws IOException {
        out.printf(Locale.ROOT, "%-24s %-10s %-8s %10s  %s%n", "NAME", "ENGINE", "CACHED", "DOWNLOAD", "DESCRIPTION");
        for (ModelManifest m : store.available()) {
            long size = m.downloadSize();
            out.printf(Locale.ROOT, "%-24s %-10s %-8s %10s  %s%n", m.name(), m.engine(),
                    store.isCached(m) ? "yes" : "no", size > 0 ? String.format(Locale.ROOT, "%.1fM", size / 1e6) : "?",
                    m.description());
        }
        out.println("cache: " + store.root() + (store.isOffline() ? " (offline)" : ""));
        return 0;
    }

    /** Pulls each model in turn; one that fails does not stop the others, but makes the exit status 1. */
    private int pull(ModelStore store, List<String> names) {
        int status = 0;
        for (String name : names) {
            ProgressBar bar = new ProgressBar(err, terminal);
            long start = System.nanoTime();
            try {
                ModelManifest m = manifest(store, name);
                Path dir = store.withProgress(bar).ensure(m);
                long fetched = bar.bytesDownloaded();
                out.printf(Locale.ROOT, "%s: %s (%s)%n", m.name(), dir, fetched > 0
                        ? String.format(Locale.ROOT, "downloaded %.1f MB in %.1f s", fetched / 1e6, (System.nanoTime() - start) / 1e9)
                        : "cached");
            } catch (IOException | RuntimeException e) {
                bar.finishLine();
                err.println("stt models pull: " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }

    private static ModelManifest manifest(ModelStore store, String name) throws IOException {
        if (name.endsWith(".properties")) {
            Path file = Path.of(name);
            if (!Files.isRegularFile(file)) {
                throw new IOException("manifest file " + file.toAbsolutePath() + " does not exist");
            }
            return ModelManifest.read(file);
        }
        return store.manifest(name);
    }
}
