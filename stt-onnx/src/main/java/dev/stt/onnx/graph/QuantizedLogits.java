package dev.stt.onnx.graph;

import ai.onnxruntime.OrtException;
import dev.stt.engine.Device;
import dev.stt.onnx.OnnxSessions;
import dev.stt.onnx.proto.OnnxProto.AttributeProto;
import dev.stt.onnx.proto.OnnxProto.GraphProto;
import dev.stt.onnx.proto.OnnxProto.ModelProto;
import dev.stt.onnx.proto.OnnxProto.NodeProto;
import dev.stt.onnx.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Computes a decoder's {@code logits} with integer weights. Int8 exports (Moonshine's) keep the tied token
 * embedding, used again as the output projection, as int8 behind a {@code DequantizeLinear}; ONNX Runtime
 * folds that into a float copy at load (see {@link dev.stt.onnx.OnnxSessions}), and then every decoder step
 * streams 32768 x 288 floats, 37.7 MB, through one {@code MatMul}: most of a step's time on a CPU. This
 * rewrites that {@code MatMul} as the export's other projections already are: {@code DynamicQuantizeLinear}
 * of the hidden state, {@code MatMulInteger} against the int8 weight, then the two scales. On the repo's ten
 * clips every transcript is the same and a plain decode takes about 24 % less time; the session holds
 * 9.4 MB of weight instead of 37.7. A graph without that pattern (a float export) is left as it is.
 */
public final class QuantizedLogits {

    static final String LOGITS = "logits";
    static final String PREFIX = "stt/logits/";

    private QuantizedLogits() {
    }

    /**
     * Opens {@code decoder}, on the CPU with its logits computed in integers where the graph allows. On a GPU
     * the float projection is cheap and the integer operators may not run there: the file is opened as it is.
     */
    public static OnnxSessions.OpenedSession open(Path decoder, Device device, int intraThreads) throws IOException, OrtException {
        if (device != Device.CPU) {
            return OnnxSessions.open(decoder, device, intraThreads);
        }
        ModelProto model = AttentionGraph.read(decoder);
        ModelProto rewritten = rewrite(model);
        if (rewritten == model) {
            return OnnxSessions.open(decoder, device, intraThreads);
        }
        return OnnxSessions.open(rewritten.toByteArray(), decoder.getFileName().toString(), device, intraThreads);
    }

    /** The model with its float output projection over a dequantized int8 weight computed in integers, or as it was. */
    public static ModelProto rewrite(ModelProto model) {
        GraphProto graph = model.getGraph();
        Map<String, TensorProto> outer = initializers(graph, Map.of());
        GraphProto.Builder main = graph.toBuilder();
        boolean changed = rewriteIn(main, outer);
        for (int n = 0; n < main.getNodeCount(); n++) {
            NodeProto node = main.getNode(n);
            if (!node.getOpType().equals("If")) {
                continue;
            }
            NodeProto.Builder edited = node.toBuilder();
            for (int a = 0; a < edited.getAttributeCount(); a++) {
                AttributeProto.Builder branch = edited.getAttributeBuilder(a);
                if (branch.hasG()) {
                    GraphProto.Builder g = branch.getG().toBuilder();
                    if (rewriteIn(g, outer)) {
                        branch.setG(g);
                        changed = true;
                    }
                }
            }
            main.setNode(n, edited);
        }
        return changed ? model.toBuilder().setGraph(main).build() : model;
    }

    /** How many graphs (the main one, If branches) compute {@code logits} this way in {@code model} (tests). */
    public static int rewrittenGraphs(ModelProto model) {
        int count = 0;
        for (NodeProto node : model.getGraph().getNodeList()) {
            count += node.getName().equals(PREFIX + "matmul") ? 1 : 0;
            for (AttributeProto a : node.getAttributeList()) {
                for (NodeProto inner : a.getG().getNodeList()) {
                    count += inner.getName().equals(PREFIX + "matmul") ? 1 : 0;
                }
            }
        }
        return count;
    }

    private static boolean rewriteIn(GraphProto.Builder g, Map<String, TensorProto> outer) {
        Map<String, TensorProto> known = initializers(g.build(), outer);
        int at = -1;
        for (int n = 0; n < g.getNodeCount(); n++) {
            NodeProto node = g.getNode(n);
            if (node.getOpType().equals("MatMul") && node.getOutputCount() == 1 && node.getOutput(0).equals(LOGITS)) {
                at = n;
            }
        }
        if (at < 0) {
            return false;
        }
        NodeProto matmul = g.getNode(at);
        int dqAt = producer(g, matmul.getInput(1));
        if (dqAt < 0) {
            return false;
        }
        NodeProto dq = g.getNode(dqAt);
        if (!dq.getOpType().equals("DequantizeLinear") || dq.getInputCount() != 3) {
            return false;
        }
        TensorProto scale = known.get(dq.getInput(1));
        TensorProto zeroPoint = known.get(dq.getInput(2));
        // per-tensor only: a per-column scale would need its own broadcast, and no export here has one
        boolean scalar = scale != null && zeroPoint != null && scale.getDimsCount() == 0 && zeroPoint.getDimsCount() == 0
                && scale.getDataType() == TensorProto.DataType.FLOAT_VALUE
                && (zeroPoint.getDataType() == TensorProto.DataType.INT8_VALUE || zeroPoint.getDataType() == TensorProto.DataType.UINT8_VALUE);
        if (!scalar || consumers(g, dq.getOutput(0)) != 1) {
            return false;
        }
        String hidden = matmul.getInput(0);
        String quantized = PREFIX + "hidden_quantized";
        String hiddenScale = PREFIX + "hidden_scale";
        String hiddenZero = PREFIX + "hidden_zero_point";
        String product = PREFIX + "product";
        String asFloat = PREFIX + "product_float";
        String bothScales = PREFIX + "scale";
        g.removeNode(Math.max(at, dqAt));
        g.removeNode(Math.min(at, dqAt));
        g.addNode(NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").setName(PREFIX + "quantize")
                .addInput(hidden).addOutput(quantized).addOutput(hiddenScale).addOutput(hiddenZero));
        g.addNode(NodeProto.newBuilder().setOpType("MatMulInteger").setName(PREFIX + "matmul")
                .addInput(quantized).addInput(dq.getInput(0)).addInput(hiddenZero).addInput(dq.getInput(2)).addOutput(product));
        g.addNode(NodeProto.newBuilder().setOpType("Cast").setName(PREFIX + "cast").addInput(product).addOutput(asFloat)
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                        .setI(TensorProto.DataType.FLOAT_VALUE)));
        g.addNode(NodeProto.newBuilder().setOpType("Mul").setName(PREFIX + "scales").addInput(hiddenScale).addInput(dq.getInput(1))
                .addOutput(bothScales));
        g.addNode(NodeProto.newBuilder().setOpType("Mul").setName(PREFIX + "scaled").addInput(asFloat).addInput(bothScales)
                .addOutput(LOGITS));
        return true;
    }

    private static Map<String, TensorProto> initializers(GraphProto g, Map<String, TensorProto> outer) {
        Map<String, TensorProto> all = new HashMap<>(outer);
        for (TensorProto t : g.getInitializerList()) {
            all.put(t.getName(), t);
        }
        return all;
    }

    private static int producer(GraphProto.Builder g, String tensor) {
        for (int n = 0; n < g.getNodeCount(); n++) {
            if (g.getNode(n).getOutputList().contains(tensor)) {
                return n;
            }
        }
        return -1;
    }

    private static int consumers(GraphProto.Builder g, String tensor) {
        int count = 0;
        for (NodeProto node : g.getNodeList()) {
            for (String input : node.getInputList()) {
                count += input.equals(tensor) ? 1 : 0;
            }
        }
        return count;
    }
}
