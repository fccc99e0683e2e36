package dev.stt.whisper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a Whisper export's ONNX files are: beside the JSON files (the model store's layout) or in the
 * {@code onnx/} folder of a Hugging Face snapshot, full precision preferred over the quantized variants.
 */
record WhisperModelFiles(Path encoder, Path decoder) {

    /** Suffixes of onnx-community's variants, in order of preference on a CPU. */
    static final List<String> VARIANTS = List.of("", "_quantized", "_int8", "_uint8", "_q4", "_fp16", "_q4f16", "_bnb4");

    static WhisperModelFiles locate(Path dir) throws IOException {
        return new WhisperModelFiles(find(dir, "encoder_model"), find(dir, "decoder_model_merged"));
    }

    static boolean present(Path dir) {
        try {
            locate(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path find(Path dir, String base) throws IOException {
        for (String variant : VARIANTS) {
            for (Path folder : List.of(dir, dir.resolve("onnx"))) {
                Path p = folder.resolve(base + variant + ".onnx");
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new IOException("no " + base + ".onnx (or a variant such as " + base + "_quantized.onnx) in " + dir
                + " or " + dir.resolve("onnx"));
    }
}
