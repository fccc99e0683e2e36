package dev.stt.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.stt.onnx.proto.OnnxProto.AttributeProto;
import dev.stt.onnx.proto.OnnxProto.GraphProto;
import dev.stt.onnx.proto.OnnxProto.ModelProto;
import dev.stt.onnx.proto.OnnxProto.NodeProto;
import dev.stt.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.stt.onnx.proto.OnnxProto.TensorProto;
import dev.stt.onnx.proto.OnnxProto.TensorShapeProto;
import dev.stt.onnx.proto.OnnxProto.TypeProto;
import dev.stt.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The edit on a small merged-decoder-like graph: an If whose branches each compute a layer's attention
 * softmax (one from x, the other from 2x). ONNX Runtime must run the edited graph and hand out the branch
 * that ran.
 */
class AttentionGraphTest {

    static ValueInfoProto floats(String name, int rank) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int i = 0; i < rank; i++) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    static GraphProto branch(String name, boolean doubled, boolean withSoftmax) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(name);
        String in = "x";
        if (doubled) {
            g.addNode(NodeProto.newBuilder().setOpType("Add").setName(name + "/double").addInput("x").addInput("x").addOutput(name + "/x2"));
            in = name + "/x2";
        }
        if (withSoftmax) {
            g.addNode(NodeProto.newBuilder().setOpType("Softmax").setName("/model/decoder/layers.0/encoder_attn/Softmax")
                    .addInput(in).addOutput("/model/decoder/layers.0/encoder_attn/Softmax_output_0")
                    .addAttribute(AttributeProto.newBuilder().setName("axis").setI(-1).setType(AttributeProto.AttributeType.INT)));
            in = "/model/decoder/layers.0/encoder_attn/Softmax_output_0";
        }
        g.addNode(NodeProto.newBuilder().setOpType("ReduceSum").setName(name + "/sum").addInput(in).addOutput(name + "/logits")
                .addAttribute(AttributeProto.newBuilder().setName("keepdims").setI(0).setType(AttributeProto.AttributeType.INT)));
        g.addOutput(floats(name + "/logits", 0));
        return g.build();
    }

    static ModelProto model(boolean softmaxInElse) {
        NodeProto ifNode = NodeProto.newBuilder().setOpType("If").setName("optimum::if").addInput("use_cache_branch").addOutput("logits")
                .addAttribute(AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(branch("then", false, true)))
                .addAttribute(AttributeProto.newBuilder().setName("else_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(branch("else", true, softmaxInElse)))
                .build();
        GraphProto main = GraphProto.newBuilder().setName("main").addNode(ifNode)
                .addInput(floats("x", 4))
                .addInput(ValueInfoProto.newBuilder().setName("use_cache_branch").setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.BOOL_VALUE)
                                .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))))))
                .addOutput(floats("logits", 0))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(14)).setGraph(main).build();
    }

    @Test
    void bothBranchesTheIfAndTheGraphGetTheOutputAndOnnxRuntimeRunsIt() throws Exception {
        ModelProto edited = AttentionGraph.withCrossAttentionOutputs(model(true));
        assertEquals(List.of("logits", "cross_attentions.0"), edited.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList());
        NodeProto ifNode = edited.getGraph().getNode(0);
        assertEquals(List.of("logits", "cross_attentions.0"), ifNode.getOutputList());
        for (AttributeProto branch : ifNode.getAttributeList()) {
            assertEquals(2, branch.getG().getOutputCount(), branch.getName());
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] x = {0, 1, 2, Float.NEGATIVE_INFINITY};
        try (OrtSession s = env.createSession(edited.toByteArray());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 1, 1, 4})) {
            for (boolean cache : new boolean[] {true, false}) {
                try (OnnxTensor flag = OnnxTensor.createTensor(env, new boolean[] {cache});
                     OrtSession.Result r = s.run(Map.of("x", in, "use_cache_branch", flag))) {
                    float[] a = new float[4];
                    ((OnnxTensor) r.get("cross_attentions.0").orElseThrow()).getFloatBuffer().get(a);
                    double scale = cache ? 1 : 2; // the else branch doubles x first
                    double z = Math.exp(0) + Math.exp(scale) + Math.exp(2 * scale);
                    assertArrayEquals(new float[] {(float) (1 / z), (float) (Math.exp(scale) / z), (float) (Math.exp(2 * scale) / z), 0},
                            a, 1e-6f, "branch " + cache);
                }
            }
        }
    }

    @Test
    void aLayerInOneBranchOnlyIsRefused() {
        IOException e = assertThrows(IOException.class, () -> AttentionGraph.withCrossAttentionOutputs(model(false)));
        assertEquals(true, e.getMessage().contains("one branch"), e.getMessage());
    }
}
