// Moonshine inference exactly as @moonshine-ai/moonshine-js@0.1.29 does it (src/model.ts,
// MoonshineModel.generate), moved from onnxruntime-web to onnxruntime-node 1.22.0 (the web runtime
// version moonshine-js 0.1.29 pins): encoder once, then a greedy loop over the merged decoder with
// start token 1, end token 2, at most trunc(6 tokens per second of audio) steps, the KV cache fed
// back (encoder cross-attention entries only from the first step), and llama-tokenizer-js decoding
// every token but the last (moonshine-js drops the last token even when the step limit, not EOS,
// ended the loop; kept here so the transcripts match).
import * as ort from 'onnxruntime-node';
import llamaTokenizer from 'llama-tokenizer-js';
import { join } from 'node:path';

const TINY = { numLayers: 6, numKVHeads: 8, headDim: 36 };
const START_TOKEN = 1;
const EOS_TOKEN = 2;

export class MoonshineModel {
  static async load(modelDir, { intraThreads = 2 } = {}) {
    const options = {
      executionProviders: ['cpu'],
      intraOpNumThreads: intraThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    };
    const encoder = await ort.InferenceSession.create(join(modelDir, 'encoder_model.onnx'), options);
    const decoder = await ort.InferenceSession.create(join(modelDir, 'decoder_model_merged.onnx'), options);
    return new MoonshineModel(encoder, decoder);
  }

  constructor(encoder, decoder) {
    this.encoder = encoder;
    this.decoder = decoder;
  }

  /** @param {Float32Array} audio 16 kHz mono */
  async generate(audio) {
    const t0 = performance.now();
    const maxLen = Math.trunc((audio.length / 16000) * 6);
    const encoderOutput = await this.encoder.run({
      input_values: new ort.Tensor('float32', audio, [1, audio.length]),
    });
    const t1 = performance.now();

    const past = {};
    for (let i = 0; i < TINY.numLayers; i++) {
      for (const a of ['decoder', 'encoder']) {
        for (const b of ['key', 'value']) {
          past[`past_key_values.${i}.${a}.${b}`] = new ort.Tensor('float32', new Float32Array(0),
            [0, TINY.numKVHeads, 1, TINY.headDim]);
        }
      }
    }
    const tokens = [START_TOKEN];
    let inputId = START_TOKEN;
    let decoderMs = 0;
    for (let i = 0; i < maxLen; i++) {
      const feeds = {
        input_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(inputId)), [1, 1]),
        encoder_hidden_states: encoderOutput.last_hidden_state,
        use_cache_branch: new ort.Tensor('bool', [i > 0], [1]),
        ...past,
      };
      const s = performance.now();
      const out = await this.decoder.run(feeds);
      decoderMs += performance.now() - s;
      const next = argMax(out.logits.data);
      tokens.push(next);
      if (next === EOS_TOKEN) break;
      inputId = next;
      for (const name of Object.keys(past)) {
        if (i === 0 || name.includes('.decoder.')) {
          past[name] = out[name.replace('past_key_values', 'present')];
        }
      }
    }
    const text = llamaTokenizer.decode(tokens.slice(0, -1));
    const t2 = performance.now();
    return { text, tokens: tokens.length - 1, encoderMs: t1 - t0, decoderMs, totalMs: t2 - t0 };
  }

  async release() {
    await this.encoder.release();
    await this.decoder.release();
  }
}

function argMax(array) {
  let best = 0;
  for (let i = 1; i < array.length; i++) if (array[i] > array[best]) best = i;
  return best;
}
