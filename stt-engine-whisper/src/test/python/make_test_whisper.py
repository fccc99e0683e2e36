#!/usr/bin/python3
"""Builds a tiny Whisper-shaped ONNX model whose output is scripted, for testing the Java Whisper engine
without real weights. Same file names, input/output names and shapes as Hugging Face Optimum's
onnx-community/whisper-* exports; small dimensions (2 layers, 2 heads, head size 2, d_model 4).

  encoder_model.onnx:  input_features [batch, 80, 3000] -> last_hidden_state [batch, 1500, 4]
  decoder_model_merged.onnx: input_ids, encoder_hidden_states, use_cache_branch,
      past_key_values.N.{decoder,encoder}.{key,value} -> logits, present.N.{decoder,encoder}.{key,value}

What the decoder "says" is a function of the last input token (a scripted Markov chain), of how loud the
audio is (g = sigmoid(10 * (mean log-mel + 1)): ~1 for speech such as jfk.wav, ~0 for digital silence,
read from the cross-attention cache, so a loop that mishandles that cache changes the output), and of
the position (the self-attention cache length: EOT is forced from position 30, so a loop that does not
feed present.* back never stops). Scripts:
  speech, timestamps:     <|0.00|> Hallo Welt<|1.00|><|1.00|> noch mal<|2.00|> EOT, language de
  speech, no timestamps:  Hallo Welt noch mal EOT
  speech, translate, timestamps: greedy takes <|0.50|> then babble; beam search finds the sentence above
  silence:                language en, <|nospeech|> prob ~0.95, then " the" repeated with low
                          probability until position 30
The top raw choices include a token listed in suppress_tokens (" world" after " Hallo"), a blank at the
first step, and text where only timestamps are allowed, so the logits filters are exercised.

Files go where a Hugging Face snapshot has them: OUT_DIR/onnx/*.onnx, the JSON and text files in OUT_DIR.
Usage: /usr/bin/python3 make_test_whisper.py OUT_DIR   (needs Debian's python3-onnx + python3-numpy)
"""
import json, os, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LANGS = ["en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id", "hi", "fi", "vi",
         "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk",
         "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw",
         "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo",
         "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su"]
LAYERS, HEADS, HEAD_DIM, N_MELS, FRAMES, MAX_POS = 2, 2, 2, 80, 3000, 448
D_MODEL = HEADS * HEAD_DIM
OPSET = 17
OFFSET = 20.0


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def tokenizer(out):
    b2u = bytes_to_unicode()
    vocab = {b2u[b]: b for b in range(256)}
    merges = []
    for word in [" Hallo", " Welt", " noch", " mal", " the", " Hello", " world", " a", " of"]:
        w = "".join(b2u[b] for b in word.encode("utf-8"))
        for i in range(2, len(w) + 1):
            if w[:i] not in vocab:
                merges.append((w[:i - 1], w[i - 1])); vocab[w[:i]] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    special = {}
    nxt = len(vocab)
    for name in ["<|startoftranscript|>"] + [f"<|{l}|>" for l in LANGS] + ["<|translate|>", "<|transcribe|>",
                 "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>"]:
        special[name] = nxt; nxt += 1
    # Like older exports, the timestamp tokens are not listed: they follow <|notimestamps|>.
    with open(os.path.join(out, "vocab.json"), "w") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(out, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    with open(os.path.join(out, "added_tokens.json"), "w") as f:
        json.dump(special, f)
    tok = dict(vocab); tok.update(special)
    vocab_size = special["<|notimestamps|>"] + 1 + 1501
    return tok, b2u, vocab_size


def main(out):
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    tok, b2u, V = tokenizer(out)
    g = lambda s: tok["".join(b2u[b] for b in s.encode("utf-8"))] if not s.startswith("<|") else tok[s]
    ts0 = tok["<|notimestamps|>"] + 1
    ts = lambda sec: ts0 + int(round(sec / 0.02))
    EOT, SOT = tok["<|endoftext|>"], tok["<|startoftranscript|>"]

    # Markov chain: scores[last token] = {next token: score}; "T" for everyone, "G" added in proportion to g.
    T, G = {}, {}
    T[SOT] = {tok["<|nocaptions|>"]: 5.0, tok["<|en|>"]: 2.0}
    G[SOT] = {tok["<|de|>"]: 6.0, tok["<|nocaptions|>"]: -8.0}
    T[tok["<|de|>"]] = {tok["<|transcribe|>"]: 5.0}
    T[tok["<|en|>"]] = {tok["<|transcribe|>"]: 5.0}
    T[tok["<|transcribe|>"]] = {ts(0.0): 4.0, g(" Hallo"): 3.0}
    flat = {g(" the"): 1.0, g(" a"): 0.9, g(" of"): 0.8, g(" Hello"): 0.7, g(" mal"): 0.6}
    T[tok["<|notimestamps|>"]] = dict(flat); T[tok["<|notimestamps|>"]][32] = 7.0  # a blank (byte " " = id 32) first
    G[tok["<|notimestamps|>"]] = {g(" Hallo"): 8.0}
    T[ts(0.0)] = dict(flat)
    G[ts(0.0)] = {g(" Hallo"): 8.0}
    T[g(" Hallo")] = {g(" world"): 6.0, g(" Welt"): 5.0}   # " world" is in suppress_tokens
    T[g(" Welt")] = {ts(1.0): 5.0, g(" noch"): 4.0}
    T[ts(1.0)] = {ts(1.0): 5.0, g(" noch"): 4.0}
    T[g(" noch")] = {g(" mal"): 5.0}
    T[g(" mal")] = {ts(2.0): 5.0, EOT: 4.5}
    T[ts(2.0)] = {EOT: 5.0, g(" the"): 5.5}             # text is not allowed after a lone timestamp
    T[g(" the")] = dict(flat)
    # A garden path for beam search, taken with the translate task and timestamps: the likeliest first
    # timestamp (0.50) leads to low-probability babble, the runner-up (0.00) to the confident sentence.
    T[tok["<|translate|>"]] = {ts(0.5): 1.0, ts(0.0): 0.5}
    T[ts(0.5)] = dict(flat)
    # Scores are relative to every unscripted token (logit 0): OFFSET lifts scripted ones far above the
    # ~1900 others, so probabilities come out as the scores say. G's tokens get a T entry to be lifted too.
    for last, choices in G.items():
        for t in choices:
            T.setdefault(last, {}).setdefault(t, 0.0)
    T = {last: {t: s + OFFSET for t, s in choices.items()} for last, choices in T.items()}
    K = max(len(v) for d in (T, G) for v in d.values())

    def tables(chain, name):
        nexts = np.zeros((K, V), dtype=np.int64); scores = np.zeros((K, V), dtype=np.float32)
        for last, choices in chain.items():
            for k, (t, s) in enumerate(choices.items()):
                nexts[k, last] = t; scores[k, last] = s
        return [numpy_helper.from_array(nexts, name + "_next"), numpy_helper.from_array(scores, name + "_score")]

    # ---- encoder: mean over mel bins, frame pairs averaged, copied into d_model channels
    enc_nodes = [
        helper.make_node("ReduceMean", ["input_features"], ["m"], axes=[1], keepdims=0),
        helper.make_node("Reshape", ["m", "pairs_shape"], ["pairs"]),
        helper.make_node("MatMul", ["pairs", "spread"], ["last_hidden_state"]),
    ]
    enc = helper.make_graph(enc_nodes, "whisper_encoder_scripted",
        [helper.make_tensor_value_info("input_features", TensorProto.FLOAT, ["batch_size", N_MELS, FRAMES])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch_size", FRAMES // 2, D_MODEL])],
        [numpy_helper.from_array(np.array([0, FRAMES // 2, 2], dtype=np.int64), "pairs_shape"),
         numpy_helper.from_array(np.full((2, D_MODEL), 0.5, dtype=np.float32), "spread")])
    save(helper.make_model(enc, opset_imports=[helper.make_opsetid("", OPSET)]), os.path.join(out, "onnx", "encoder_model.onnx"))

    # ---- decoder
    kv = lambda n, p: f"past_key_values.{n}.{p}"
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "decoder_sequence_length"]),
              helper.make_tensor_value_info("encoder_hidden_states", TensorProto.FLOAT, ["batch_size", "encoder_sequence_length / 2", D_MODEL])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "decoder_sequence_length", V])]
    for n in range(LAYERS):
        for part, length in (("decoder", "past_decoder_sequence_length"), ("encoder", "encoder_sequence_length_out")):
            for kind in ("key", "value"):
                inputs.append(helper.make_tensor_value_info(kv(n, f"{part}.{kind}"), TensorProto.FLOAT, ["batch_size", HEADS, length, HEAD_DIM]))
                outputs.append(helper.make_tensor_value_info(f"present.{n}.{part}.{kind}", TensorProto.FLOAT,
                    ["batch_size", HEADS, length if part == "encoder" else "past_decoder_sequence_length + 1", HEAD_DIM]))
    inputs.append(helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]))

    nodes, inits = [], []
    # cross-attention cache: computed from encoder_hidden_states on the first step, taken from the past after
    heads_shape = numpy_helper.from_array(np.array([0, 0, HEADS, HEAD_DIM], dtype=np.int64), "heads_shape")
    inits.append(heads_shape)
    else_nodes, else_out, then_nodes, then_out = [], [], [], []
    else_nodes.append(helper.make_node("Reshape", ["encoder_hidden_states", "heads_shape"], ["e_split"]))
    else_nodes.append(helper.make_node("Transpose", ["e_split"], ["e_k0"], perm=[0, 2, 1, 3]))
    for n in range(LAYERS):
        src = "e_k0"
        if n > 0:
            else_nodes.append(helper.make_node("Mul", ["e_k0", "two"], [f"e_k{n}"])); src = f"e_k{n}"
        for kind in ("key", "value"):
            else_nodes.append(helper.make_node("Identity", [src], [f"else_cross_{n}_{kind}"]))
            else_nodes.append(helper.make_node("Identity", [src], [f"else_present_{n}_{kind}"]))
            then_nodes.append(helper.make_node("Identity", [kv(n, f"encoder.{kind}")], [f"then_cross_{n}_{kind}"]))
            # the cache branch returns empty encoder presents: a loop must keep the first step's
            then_nodes.append(helper.make_node("Slice", [kv(n, f"encoder.{kind}"), "zero1", "zero1", "two_axis"], [f"then_present_{n}_{kind}"]))
    inits += [numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two"),
              numpy_helper.from_array(np.array([0], dtype=np.int64), "zero1"),
              numpy_helper.from_array(np.array([2], dtype=np.int64), "two_axis")]
    names = [f"{{}}_cross_{n}_{k}" for n in range(LAYERS) for k in ("key", "value")] + \
            [f"{{}}_present_{n}_{k}" for n in range(LAYERS) for k in ("key", "value")]
    vi = lambda nm: helper.make_tensor_value_info(nm, TensorProto.FLOAT, None)
    then_g = helper.make_graph(then_nodes, "cache_branch", [], [vi(x.format("then")) for x in names])
    else_g = helper.make_graph(else_nodes, "no_cache_branch", [], [vi(x.format("else")) for x in names])
    if_out = [f"cross_{n}_{k}" for n in range(LAYERS) for k in ("key", "value")] + \
             [f"present.{n}.encoder.{k}" for n in range(LAYERS) for k in ("key", "value")]
    nodes.append(helper.make_node("Squeeze", ["use_cache_branch"], ["use_cache"]))
    nodes.append(helper.make_node("If", ["use_cache"], if_out, then_branch=then_g, else_branch=else_g))

    # g: loudness from the cross cache of both layers (layer 1 holds twice layer 0)
    nodes += [helper.make_node("ReduceMean", ["cross_0_key"], ["m0"], axes=[1, 2, 3], keepdims=0),
              helper.make_node("ReduceMean", ["cross_1_value"], ["m1"], axes=[1, 2, 3], keepdims=0),
              helper.make_node("Mul", ["m1", "half"], ["m1h"]),
              helper.make_node("Add", ["m0", "m1h"], ["m01"]),
              helper.make_node("Mul", ["m01", "half"], ["loud"]),
              helper.make_node("Sub", ["loud", "loud_center"], ["loud_c"]),
              helper.make_node("Mul", ["loud_c", "loud_gain"], ["loud_s"]),
              helper.make_node("Sigmoid", ["loud_s"], ["g_b"]),
              helper.make_node("Reshape", ["g_b", "g_shape"], ["g"])]
    inits += [numpy_helper.from_array(np.array(0.5, dtype=np.float32), "half"),
              numpy_helper.from_array(np.array(-1.0, dtype=np.float32), "loud_center"),
              numpy_helper.from_array(np.array(10.0, dtype=np.float32), "loud_gain"),
              numpy_helper.from_array(np.array([-1, 1, 1], dtype=np.int64), "g_shape")]

    # self-attention cache: token embeddings appended to the past (the embedding holds the token id)
    emb = np.zeros((V, D_MODEL), dtype=np.float32); emb[:, 0] = np.arange(V); emb[:, 1] = 1.0
    inits.append(numpy_helper.from_array(emb, "embedding"))
    nodes += [helper.make_node("Gather", ["embedding", "input_ids"], ["x"]),
              helper.make_node("Reshape", ["x", "heads_shape"], ["x_split"]),
              helper.make_node("Transpose", ["x_split"], ["x_heads"], perm=[0, 2, 1, 3])]
    for n in range(LAYERS):
        for kind in ("key", "value"):
            nodes.append(helper.make_node("Concat", [kv(n, f"decoder.{kind}"), "x_heads"], [f"present.{n}.decoder.{kind}"], axis=2))

    # position of each input token = past length (from the last layer's cache) + index
    nodes += [helper.make_node("Shape", [kv(LAYERS - 1, "decoder.key")], ["past_shape"]),
              helper.make_node("Gather", ["past_shape", "two_idx"], ["past_len"]),
              helper.make_node("Shape", ["input_ids"], ["ids_shape"]),
              helper.make_node("Gather", ["ids_shape", "one_idx"], ["seq_len"]),
              helper.make_node("Add", ["past_len", "seq_len"], ["end_pos"]),
              helper.make_node("Range", ["past_len", "end_pos", "one_i"], ["positions"]),
              helper.make_node("Gather", ["eot_by_position", "positions"], ["pos_score"]),
              helper.make_node("Unsqueeze", ["pos_score", "axis_last"], ["pos_col"]),
              helper.make_node("Mul", ["pos_col", "eot_onehot"], ["pos_term"])]
    eot_by_pos = np.zeros(MAX_POS, dtype=np.float32); eot_by_pos[30:] = 2 * OFFSET
    eot_onehot = np.zeros((1, V), dtype=np.float32); eot_onehot[0, EOT] = 1.0
    inits += [numpy_helper.from_array(np.array(2, dtype=np.int64), "two_idx"),
              numpy_helper.from_array(np.array(1, dtype=np.int64), "one_idx"),
              numpy_helper.from_array(np.array(1, dtype=np.int64), "one_i"),
              numpy_helper.from_array(np.array([1], dtype=np.int64), "axis_last"),
              numpy_helper.from_array(eot_by_pos, "eot_by_position"),
              numpy_helper.from_array(eot_onehot, "eot_onehot"),
              numpy_helper.from_array(np.array(V, dtype=np.int64), "depth"),
              numpy_helper.from_array(np.array([0.0, 1.0], dtype=np.float32), "onehot_values"),
              numpy_helper.from_array(np.zeros((V,), dtype=np.float32), "base")]

    # scripted scores: sum over k of one_hot(next_k[last]) * score_k[last], for T and g-scaled G
    inits += tables(T, "T") + tables(G, "G")
    acc = "base"
    for chain in ("T", "G"):
        for k in range(K):
            p = f"{chain}{k}"
            nodes += [helper.make_node("Gather", [f"{chain}_next", f"k{k}"], [p + "_nt"]),
                      helper.make_node("Gather", [f"{chain}_score", f"k{k}"], [p + "_st"]),
                      helper.make_node("Gather", [p + "_nt", "input_ids"], [p + "_n"]),
                      helper.make_node("Gather", [p + "_st", "input_ids"], [p + "_s"]),
                      helper.make_node("OneHot", [p + "_n", "depth", "onehot_values"], [p + "_oh"], axis=-1),
                      helper.make_node("Unsqueeze", [p + "_s", "axis_minus1"], [p + "_sc"]),
                      helper.make_node("Mul", [p + "_oh", p + "_sc"], [p + "_term"])]
            if chain == "G":
                nodes.append(helper.make_node("Mul", [p + "_term", "g"], [p + "_gterm"])); term = p + "_gterm"
            else:
                term = p + "_term"
            nodes.append(helper.make_node("Add", [acc, term], [p + "_acc"])); acc = p + "_acc"
    inits += [numpy_helper.from_array(np.array(k, dtype=np.int64), f"k{k}") for k in range(K)]
    inits.append(numpy_helper.from_array(np.array([-1], dtype=np.int64), "axis_minus1"))
    nodes.append(helper.make_node("Add", [acc, "pos_term"], ["logits"]))

    dec = helper.make_graph(nodes, "whisper_decoder_merged_scripted", inputs, outputs, inits)
    save(helper.make_model(dec, opset_imports=[helper.make_opsetid("", OPSET)]), os.path.join(out, "onnx", "decoder_model_merged.onnx"))

    lang_to_id = {f"<|{l}|>": tok[f"<|{l}|>"] for l in LANGS}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"model_type": "whisper", "num_mel_bins": N_MELS, "vocab_size": V, "d_model": D_MODEL,
                   "decoder_layers": LAYERS, "decoder_attention_heads": HEADS, "max_target_positions": MAX_POS,
                   "max_source_positions": FRAMES // 2, "eos_token_id": EOT, "decoder_start_token_id": SOT}, f, indent=1)
    with open(os.path.join(out, "generation_config.json"), "w") as f:
        json.dump({"is_multilingual": True, "lang_to_id": lang_to_id,
                   "task_to_id": {"transcribe": tok["<|transcribe|>"], "translate": tok["<|translate|>"]},
                   "no_timestamps_token_id": tok["<|notimestamps|>"], "max_initial_timestamp_index": 50,
                   "suppress_tokens": [g(" world")], "begin_suppress_tokens": [32, EOT],
                   "decoder_start_token_id": SOT, "eos_token_id": EOT, "max_length": MAX_POS}, f, indent=1)
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump({"feature_size": N_MELS, "sampling_rate": 16000, "n_fft": 400, "hop_length": 160, "chunk_length": 30}, f, indent=1)


def save(model, path):
    onnx.checker.check_model(model)
    onnx.save(model, path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "whisper-scripted")
