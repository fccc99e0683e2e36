#!/usr/bin/env node
// Peer benchmark: transcribes the shared speech clips with Moonshine tiny on onnxruntime-node, the way
// moonshine-js runs it, and prints one JSON line per clip, then a RESULT line for bench/run-peers.sh.
//
//   node transcribe.mjs [--threads N] [--speech DIR] [--model DIR] [--warmup N] [--rounds N] [--tsv FILE]
//
// Each clip is transcribed --rounds times (default 3) and its median time is reported, so a burst
// of load from another process on a shared machine moves the result less.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseWav } from './wav.mjs';
import { aggregateWer } from './wer.mjs';
import { listClips } from './clips.mjs';
import { MoonshineModel } from './moonshine.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const args = {
    threads: 2,
    speech: process.env.STT_SPEECH_DIR ?? resolve(here, '../../../stt-testkit/data/speech'),
    model: join(process.env.STT_MODELS_DIR ?? join(homedir(), '.cache', 'stt'), 'moonshine-tiny'),
    warmup: 1,
    rounds: 3,
    tsv: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args) || i + 1 >= argv.length) {
      throw new Error(`usage: transcribe.mjs [--threads N] [--speech DIR] [--model DIR] [--warmup N] [--rounds N] [--tsv FILE] (bad: ${argv[i]})`);
    }
    const value = argv[++i];
    args[key] = typeof args[key] === 'number' ? Number(value) : value;
  }
  if (!Number.isInteger(args.threads) || args.threads < 1) throw new Error('--threads must be a positive integer');
  if (!Number.isInteger(args.rounds) || args.rounds < 1) throw new Error('--rounds must be a positive integer');
  if (!Number.isInteger(args.warmup) || args.warmup < 0) throw new Error('--warmup must be >= 0');
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const clips = listClips(args.speech).map((c) => {
    const wav = parseWav(readFileSync(c.path));
    if (wav.sampleRate !== 16000) throw new Error(`${c.file}: ${wav.sampleRate} Hz, want 16000`);
    return { ...c, samples: wav.samples };
  });
  const model = await MoonshineModel.load(args.model, { intraThreads: args.threads });
  try {
    // Warm-up on the first clip so session initialisation and first-run allocations are not timed.
    for (let i = 0; i < args.warmup; i++) await model.generate(clips[0].samples);
    const rows = [];
    for (const clip of clips) {
      const runs = [];
      for (let k = 0; k < args.rounds; k++) runs.push(await model.generate(clip.samples));
      const r = {
        text: runs[0].text,
        tokens: runs[0].tokens,
        encoderMs: median(runs.map((x) => x.encoderMs)),
        decoderMs: median(runs.map((x) => x.decoderMs)),
        totalMs: median(runs.map((x) => x.totalMs)),
      };
      const row = {
        file: clip.file,
        transcript: r.text,
        audio_s: round(clip.samples.length / 16000, 3),
        encoder_ms: round(r.encoderMs, 1),
        decoder_ms: round(r.decoderMs, 1),
        total_ms: round(r.totalMs, 1),
        tokens: r.tokens,
      };
      rows.push({ ...row, reference: clip.reference });
      console.log(JSON.stringify(row));
    }
    if (args.tsv) writeFileSync(args.tsv, rows.map((r) => `${r.file}\t${r.transcript}\n`).join(''));
    const audio = rows.reduce((s, r) => s + r.audio_s, 0);
    const wall = rows.reduce((s, r) => s + r.total_ms, 0) / 1000;
    const scored = rows.filter((r) => r.reference != null);
    const wer = aggregateWer(scored.map((r) => ({ reference: r.reference, hypothesis: r.transcript })));
    console.log(`RESULT engine=onnxruntime-node threads=${args.threads} clips=${rows.length} audio_s=${audio.toFixed(2)} `
      + `wall_s=${wall.toFixed(3)} rtf=${(wall / audio).toFixed(4)} wer=${(100 * wer).toFixed(2)}`);
  } finally {
    await model.release();
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

main().catch((e) => {
  console.error(`transcribe.mjs: ${e.message}`);
  process.exit(1);
});
