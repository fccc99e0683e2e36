package dev.stt.onnx.graph;

import dev.stt.onnx.proto.OnnxProto.AttributeProto;
import dev.stt.onnx.proto.OnnxProto.GraphProto;
import dev.stt.onnx.proto.OnnxProto.ModelProto;
import dev.stt.onnx.proto.OnnxProto.NodeProto;
import dev.stt.onnx.proto.OnnxProto.TensorProto;
import dev.stt.onnx.proto.OnnxProto.TensorShapeProto;
import dev.stt.onnx.proto.OnnxProto.TypeProto;
import dev.stt.onnx.proto.OnnxProto.ValueInfoProto;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edits a Hugging Face Optimum decoder graph so that it also returns its cross-attention weights: the
 * output of each layer's {@code /model/decoder/layers.N/encoder_attn/Softmax} becomes a graph output
 * {@code cross_attentions.N} ([batch, heads, query tokens, encoder frames]). Word timestamps align tokens to
 * audio with them.
 *
 * <p>In a merged decoder those nodes live inside both branches of the {@code If} on
 * {@code use_cache_branch}, whose scopes the main graph cannot see: each branch gets the Softmax output as
 * an extra branch output, the {@code If} node an extra output of its own, and the main graph that as a
 * graph output. Both branches must list the same outputs in the same order, so a layer is exposed only
 * when both branches hold its node. A plain (unmerged) decoder gets its Softmax outputs as graph outputs
 * directly.
 *
 * <p>Nothing is computed differently: the tensors already exist, ONNX Runtime only keeps them (and
 * skips fusions that would hide them) and hands them out.
 */
public final class AttentionGraph {

    /** Optimum's name for a decoder layer's cross-attention softmax (Moonshine and Whisper exports alike). */
    public static final Pattern CROSS_ATTENTION_SOFTMAX = Pattern.compile("/model/decoder/layers\\.(\\d+)/encoder_attn/Softmax");
    /** Prefix of the added outputs: {@code cross_attentions.0}, {@code cross_attentions.1}, ... */
    public static final String OUTPUT_PREFIX = "cross_attentions.";

    private AttentionGraph() {
    }

    /** The graph does not compute cross-attention explicitly: no edit can expose it. */
    public static final class NoCrossAttentionException extends IOException {
        public NoCrossAttentionException(String message) {
            super(message);
        }
    }

    public static String outputName(int layer) {
        return OUTPUT_PREFIX + layer;
    }

    /** Reads a model that keeps its weights inside the file (no external data), as our downloads do. */
    public static ModelProto read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            return ModelProto.parseFrom(coded);
        }
    }

    /**
     * The model with every cross-attention softmax exposed as {@code cross_attentions.N}.
     *
     * @throws IOException when the graph holds no such node, or an {@code If} holds it in one branch only
     */
    public static ModelProto withCrossAttentionOutputs(ModelProto model) throws IOException {
        GraphProto graph = model.getGraph();
        GraphProto.Builder main = graph.toBuilder();
        Map<Integer, String> direct = softmaxOutputs(graph);
        boolean any = false;
        for (Map.Entry<Integer, String> e : direct.entrySet()) {
            // a plain decoder: name the tensor with an Identity so the public name is ours, not the exporter's
            main.addNode(NodeProto.newBuilder().setOpType("Identity").setName("stt/expose/" + outputName(e.getKey()))
                    .addInput(e.getValue()).addOutput(outputName(e.getKey())));
            main.addOutput(attentionInfo(outputName(e.getKey())));
            any = true;
        }
        for (int n = 0; n < main.getNodeCount(); n++) {
            NodeProto node = main.getNode(n);
            if (!node.getOpType().equals("If")) {
                continue;
            }
            int thenAt = attributeIndex(node, "then_branch");
            int elseAt = attributeIndex(node, "else_branch");
            if (thenAt < 0 || elseAt < 0) {
                continue;
            }
            Map<Integer, String> inThen = softmaxOutputs(node.getAttribute(thenAt).getG());
            Map<Integer, String> inElse = softmaxOutputs(node.getAttribute(elseAt).getG());
            if (inThen.isEmpty() && inElse.isEmpty()) {
                continue;
            }
            if (!inThen.keySet().equals(inElse.keySet())) {
                throw new IOException("the If node " + node.getName() + " holds cross-attention in layers " + inThen.keySet()
                        + " of one branch and " + inElse.keySet() + " of the other");
            }
            NodeProto.Builder edited = node.toBuilder();
            edited.setAttribute(thenAt, exposeInBranch(node.getAttribute(thenAt), inThen));
            edited.setAttribute(elseAt, exposeInBranch(node.getAttribute(elseAt), inElse));
            for (int layer : inThen.keySet()) {
                edited.addOutput(outputName(layer));
                main.addOutput(attentionInfo(outputName(layer)));
            }
            main.setNode(n, edited);
            any = true;
        }
        if (!any) {
            throw new NoCrossAttentionException("the graph holds no node named like " + CROSS_ATTENTION_SOFTMAX.pattern()
                    + ": cross-attention is not computed explicitly (fused or SDPA export), so word times cannot be had from it");
        }
        return model.toBuilder().setGraph(main).build();
    }

    /** Layer number to the Softmax output tensor, in layer order, for the nodes directly in {@code graph}. */
    static Map<Integer, String> softmaxOutputs(GraphProto graph) {
        Map<Integer, String> out = new java.util.TreeMap<>();
        for (NodeProto node : graph.getNodeList()) {
            Matcher m = CROSS_ATTENTION_SOFTMAX.matcher(node.getName());
            if (node.getOpType().equals("Softmax") && m.matches() && node.getOutputCount() == 1) {
                out.put(Integer.parseInt(m.group(1)), node.getOutput(0));
            }
        }
        return new LinkedHashMap<>(out);
    }

    private static AttributeProto exposeInBranch(AttributeProto branch, Map<Integer, String> softmax) {
        GraphProto.Builder g = branch.getG().toBuilder();
        for (Map.Entry<Integer, String> e : softmax.entrySet()) {
            // a branch output may be any tensor of the branch; giving it a fresh name through an Identity keeps
            // the If's outputs free of exporter names that both branches share
            String name = "stt/branch/" + outputName(e.getKey());
            g.addNode(NodeProto.newBuilder().setOpType("Identity").setName("stt/expose/" + outputName(e.getKey()))
                    .addInput(e.getValue()).addOutput(name));
            g.addOutput(attentionInfo(name));
        }
        return branch.toBuilder().setG(g).build();
    }

    private static int attributeIndex(NodeProto node, String name) {
        for (int i = 0; i < node.getAttributeCount(); i++) {
            if (node.getAttribute(i).getName().equals(name) && node.getAttribute(i).hasG()) {
                return i;
            }
        }
        return -1;
    }

    /** float32, rank 4, every dimension symbolic: ONNX Runtime checks the element type and rank, not sizes. */
    static ValueInfoProto attentionInfo(String name) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String dim : List.of("batch_size", "attention_heads", "query_length", "encoder_frames")) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(dim));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }

    /** The layers {@code session}-style output names say are exposed, in order. */
    public static List<Integer> exposedLayers(java.util.Collection<String> outputNames) {
        List<Integer> layers = new ArrayList<>();
        for (String name : outputNames) {
            if (name.startsWith(OUTPUT_PREFIX)) {
                layers.add(Integer.parseInt(name.substring(OUTPUT_PREFIX.length())));
            }
        }
        java.util.Collections.sort(layers);
        return layers;
    }
}
