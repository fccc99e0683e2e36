package dev.stt.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Recordings with reference transcripts, laid out as in {@link TestData#speechDir()}: {@code NAME.wav}
 * beside {@code NAME.txt}, or a folder of WAVs with a {@code transcripts.tsv} (name TAB text).
 */
public final class SpeechCorpus {

    /** One recording and what was said in it. */
    public record Clip(String name, Path wav, String reference) {
    }

    private SpeechCorpus() {
    }

    /** Every clip under {@code dir} (one folder deep), sorted by name so runs compare line by line. */
    public static List<Clip> load(Path dir) throws IOException {
        List<Clip> clips = new ArrayList<>();
        collect(dir, clips);
        try (Stream<Path> subs = Files.list(dir)) {
            for (Path sub : subs.filter(Files::isDirectory).sorted().toList()) {
                collect(sub, clips);
            }
        }
        if (clips.isEmpty()) {
            throw new IOException("no clips with reference transcripts in " + dir);
        }
        clips.sort(java.util.Comparator.comparing(Clip::name));
        return clips;
    }

    private static void collect(Path dir, List<Clip> into) throws IOException {
        Path tsv = dir.resolve("transcripts.tsv");
        if (Files.isRegularFile(tsv)) {
            for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    String name = line.substring(0, tab);
                    Path wav = dir.resolve(name + ".wav");
                    if (Files.isRegularFile(wav)) {
                        into.add(new Clip(dir.getFileName() + "/" + name, wav, line.substring(tab + 1).strip()));
                    }
                }
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path txt : files.filter(p -> p.toString().endsWith(".txt")).toList()) {
                String base = txt.getFileName().toString().replaceFirst("\\.txt$", "");
                Path wav = dir.resolve(base + ".wav");
                if (Files.isRegularFile(wav)) {
                    into.add(new Clip(base, wav, Files.readString(txt, StandardCharsets.UTF_8).strip()));
                }
            }
        }
    }

}
