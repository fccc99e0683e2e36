import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWav } from '../wav.mjs';
import { normalizeWords, wordEdits, aggregateWer, numberToWords } from '../wer.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function wavBytes({ sampleRate = 16000, channels = 1, samples, extraChunk = false }) {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0);
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(sampleRate, 12);
  fmt.writeUInt32LE(sampleRate * channels * 2, 16);
  fmt.writeUInt16LE(channels * 2, 20);
  fmt.writeUInt16LE(16, 22);
  const list = Buffer.from('LIST\x03\x00\x00\x00abc\x00', 'latin1'); // odd size: padded to a word
  const head = Buffer.alloc(8);
  head.write('data', 0);
  head.writeUInt32LE(data.length, 4);
  const body = Buffer.concat([Buffer.from('WAVE'), fmt, ...(extraChunk ? [list] : []), head, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0);
  riff.writeUInt32LE(body.length, 4);
  return new Uint8Array(Buffer.concat([riff, body]));
}

test('parseWav reads PCM16 after a padded LIST chunk', () => {
  const wav = parseWav(wavBytes({ samples: [0, 16384, -32768, 32767], extraChunk: true }));
  assert.equal(wav.sampleRate, 16000);
  assert.deepEqual([...wav.samples], [0, 0.5, -1, 32767 / 32768]);
});

test('parseWav mixes stereo down to mono', () => {
  const wav = parseWav(wavBytes({ channels: 2, samples: [16384, 0, -16384, -16384] }));
  assert.deepEqual([...wav.samples], [0.25, -0.5]);
});

test('parseWav rejects what is not a WAV', () => {
  assert.throws(() => parseWav(new Uint8Array(Buffer.from('ID3 this is an mp3 file'))), /not a RIFF\/WAVE/);
});

test('parseWav reads the shared jfk clip: 11 s at 16 kHz', () => {
  const wav = parseWav(readFileSync(resolve(here, '../../../../stt-testkit/data/speech/jfk.wav')));
  assert.equal(wav.sampleRate, 16000);
  assert.equal(wav.samples.length, 176000);
});

test('normalizeWords: case, punctuation, hyphens, digits, titles', () => {
  assert.deepEqual(normalizeWords('Mr. Ill-disposed, 21 cats; don\u2019t!'),
    ['mister', 'ill', 'disposed', 'twenty', 'one', 'cats', "don't"]);
  assert.deepEqual(normalizeWords('in 1961, 1905 and 2000'),
    ['in', 'nineteen', 'sixty', 'one', 'nineteen', 'oh', 'five', 'and', 'two', 'thousand']);
  assert.equal(numberToWords(123456), 'one hundred twenty three thousand four hundred fifty six');
});

test('wordEdits counts substitutions, deletions and insertions', () => {
  assert.equal(wordEdits(['a', 'b', 'c'], ['a', 'b', 'c']), 0);
  assert.equal(wordEdits(['a', 'b', 'c'], ['a', 'x', 'c', 'd']), 2);
  assert.equal(wordEdits(['a', 'b'], []), 2);
  assert.equal(aggregateWer([{ reference: 'a b c d', hypothesis: 'a b' }, { reference: 'e f', hypothesis: 'e f' }]), 2 / 6);
});
