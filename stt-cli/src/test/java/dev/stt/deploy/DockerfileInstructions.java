package dev.stt.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Dockerfile read into its instructions: continuation lines joined, comments dropped, each
 * instruction tagged with the build stage it belongs to. Enough to check it; not a full parser.
 */
record DockerfileInstructions(Path file, List<Instruction> instructions) {

    /** {@code stage} is the index of the FROM it follows; {@code stageName} its {@code AS} name or null. */
    record Instruction(String keyword, String args, int stage, String stageName, int line) {
        /** The words of the arguments, split on whitespace (quotes are not interpreted). */
        List<String> words() {
            return List.of(args.strip().split("\\s+"));
        }

        @Override
        public String toString() {
            return "line " + line + ": " + keyword + " " + args;
        }
    }

    static DockerfileInstructions read(Path file) throws IOException {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int startLine = 0;
        int stage = -1;
        String stageName = null;
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            String t = raw.strip();
            if (pending.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (!pending.isEmpty() && t.startsWith("#")) {
                continue; // comments inside a continued instruction are dropped by Docker too
            }
            if (pending.isEmpty()) {
                startLine = i + 1;
            }
            if (t.endsWith("\\")) {
                pending.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            pending.append(t);
            String whole = pending.toString().strip();
            pending.setLength(0);
            int sp = whole.indexOf(' ');
            String keyword = (sp < 0 ? whole : whole.substring(0, sp)).toUpperCase(Locale.ROOT);
            String args = sp < 0 ? "" : whole.substring(sp + 1).strip();
            if (keyword.equals("FROM")) {
                stage++;
                String[] w = args.split("\\s+");
                stageName = w.length >= 3 && w[w.length - 2].equalsIgnoreCase("AS") ? w[w.length - 1] : null;
            }
            out.add(new Instruction(keyword, args, stage, stageName, startLine));
        }
        if (!pending.isEmpty()) {
            throw new IOException(file + " ends inside a continued instruction");
        }
        return new DockerfileInstructions(file, List.copyOf(out));
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** Instructions of the last stage: what the image is made of. */
    List<Instruction> finalStage(String keyword) {
        int last = instructions.stream().mapToInt(Instruction::stage).max().orElse(-1);
        return all(keyword).stream().filter(i -> i.stage() == last).toList();
    }

    /** {@code ENV} of the final stage, both the {@code K=V K2=V2} and the {@code K V} forms. */
    Map<String, String> finalEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction i : finalStage("ENV")) {
            List<String> w = i.words();
            if (!w.get(0).contains("=")) {
                env.put(w.get(0), String.join(" ", w.subList(1, w.size())));
                continue;
            }
            for (String kv : w) {
                int eq = kv.indexOf('=');
                env.put(kv.substring(0, eq), unquote(kv.substring(eq + 1)));
            }
        }
        return env;
    }

    /** The working directory of a stage at its end (absolute paths only, as these files use). */
    String workdir(int stage) {
        String wd = "/";
        for (Instruction i : instructions) {
            if (i.stage() == stage && i.keyword().equals("WORKDIR")) {
                wd = i.args();
            }
        }
        return wd;
    }

    int stageIndex(String name) {
        return instructions.stream().filter(i -> name.equals(i.stageName())).mapToInt(Instruction::stage).findFirst()
                .orElse(-1);
    }

    static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
