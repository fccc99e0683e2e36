// Minimal RIFF/WAVE reader for the benchmark clips: PCM16 little-endian (any channel count, mixed down
// to mono) or 32-bit float. Walks the chunk list, so LIST/INFO chunks before "data" are skipped.

/**
 * @param {Uint8Array} bytes the whole file
 * @returns {{sampleRate:number, channels:number, samples:Float32Array}} mono samples in [-1, 1)
 */
export function parseWav(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (off) => String.fromCharCode(bytes[off], bytes[off + 1], bytes[off + 2], bytes[off + 3]);
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let fmt = null;
  let off = 12;
  while (off + 8 <= bytes.byteLength) {
    const id = tag(off);
    const size = view.getUint32(off + 4, true);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new Error(`fmt chunk too short (${size} bytes)`);
      fmt = {
        format: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
      if (fmt.format === 0xfffe && size >= 26) fmt.format = view.getUint16(body + 24, true); // WAVE_FORMAT_EXTENSIBLE
    } else if (id === 'data') {
      if (!fmt) throw new Error('data chunk before fmt chunk');
      // A writer that streamed may leave the size unset (0 or 0xFFFFFFFF): take what is there.
      const end = size === 0 || body + size > bytes.byteLength ? bytes.byteLength : body + size;
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples: decode(view, body, end, fmt) };
    }
    off = body + size + (size & 1); // chunks are word-aligned
  }
  throw new Error('no data chunk');
}

function decode(view, start, end, fmt) {
  const { format, channels, bits } = fmt;
  if (channels < 1) throw new Error('WAV has no channels');
  let bytesPer;
  let read;
  if (format === 1 && bits === 16) {
    bytesPer = 2;
    read = (o) => view.getInt16(o, true) / 32768;
  } else if (format === 3 && bits === 32) {
    bytesPer = 4;
    read = (o) => view.getFloat32(o, true);
  } else {
    throw new Error(`unsupported WAV encoding: format ${format}, ${bits} bits (want PCM16 or float32)`);
  }
  const frameBytes = bytesPer * channels;
  const frames = Math.floor((end - start) / frameBytes);
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(start + i * frameBytes + c * bytesPer);
    out[i] = sum / channels;
  }
  return out;
}
