// Reads the shared WAV clips and turns them into the Realtime API's input formats.
import { readFileSync } from 'node:fs';

/** PCM16 mono samples (Float32Array in [-1, 1]) and the rate of a RIFF/WAVE file. */
export function readWav(path) {
  const b = readFileSync(path);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path}: not a WAV file`);
  }
  let pos = 12, channels = 1, rate = 16000, bits = 16;
  while (pos + 8 <= b.length) {
    const id = b.toString('ascii', pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(pos + 10);
      rate = b.readUInt32LE(pos + 12);
      bits = b.readUInt16LE(pos + 22);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`${path}: ${bits}-bit WAV, expected 16`);
      const n = Math.floor(Math.min(size, b.length - pos - 8) / 2 / channels);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < channels; c++) s += b.readInt16LE(pos + 8 + 2 * (i * channels + c));
        out[i] = s / channels / 32768;
      }
      return { samples: out, rate };
    }
    pos += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

/** Windowed-sinc resampling, good enough that the test hears what the clip says. */
export function resample(x, from, to) {
  if (from === to) return x;
  const n = Math.floor(x.length * to / from);
  const out = new Float32Array(n);
  const cutoff = Math.min(1, to / from) * 0.95;
  const half = 16;
  for (let i = 0; i < n; i++) {
    const t = i * from / to;
    const c = Math.floor(t);
    let acc = 0, norm = 0;
    for (let k = c - half + 1; k <= c + half; k++) {
      const d = t - k;
      const sinc = d === 0 ? 1 : Math.sin(Math.PI * cutoff * d) / (Math.PI * cutoff * d);
      const w = 0.5 + 0.5 * Math.cos(Math.PI * d / half);
      const h = sinc * w;
      norm += h;
      if (k >= 0 && k < x.length) acc += x[k] * h;
    }
    out[i] = acc / norm;
  }
  return out;
}

export function toPcm16(x) {
  const b = Buffer.alloc(x.length * 2);
  for (let i = 0; i < x.length; i++) {
    b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x[i] * 32768))), 2 * i);
  }
  return b;
}

/** G.711 µ-law, the reference encoder (sign, segment, 4-bit mantissa, inverted). */
export function toMuLaw(x) {
  const b = Buffer.alloc(x.length);
  for (let i = 0; i < x.length; i++) {
    let pcm = Math.max(-32768, Math.min(32767, Math.round(x[i] * 32768)));
    const sign = pcm < 0 ? 0x80 : 0;
    if (pcm < 0) pcm = -pcm;
    pcm = Math.min(pcm, 32635) + 0x84;
    let exp = 7;
    for (let mask = 0x4000; (pcm & mask) === 0 && exp > 0; mask >>= 1) exp--;
    const mant = (pcm >> (exp + 3)) & 0x0f;
    b[i] = ~(sign | (exp << 4) | mant) & 0xff;
  }
  return b;
}
