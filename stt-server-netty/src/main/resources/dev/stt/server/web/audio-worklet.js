// Microphone audio → 24 kHz mono PCM16 in 100 ms chunks, as the Realtime API's pcm16 format wants it.
// Runs on the audio thread at the AudioContext's rate (`sampleRate`, usually 44.1 or 48 kHz) and resamples
// with a windowed-sinc low-pass (so nothing above 12 kHz folds back into the speech band). Each chunk goes to
// the page with the chunk's level (RMS in dBFS, mapped to 0..1) for the meter.

const OUT_RATE = 24000;
const CHUNK = OUT_RATE / 10; // 100 ms
const ZEROS = 8;            // zero crossings of the sinc on each side

class Pcm16Resampler extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / OUT_RATE;              // input samples per output sample
    this.scale = Math.min(1, 1 / this.step);        // the low-pass, relative to the input's Nyquist
    this.cutoff = this.scale * 0.92;
    this.half = Math.ceil(ZEROS / this.cutoff);     // kernel half-width in input samples
    this.buf = new Float32Array(8192);
    this.base = -this.half;                         // absolute index of buf[0]; the stream starts after silence
    this.len = this.half;
    this.pos = 0;                                   // absolute input position of the next output sample
    this.out = new Int16Array(CHUNK);
    this.outLen = 0;
    this.sumSquares = 0;
    this.port.onmessage = (e) => {
      if (e.data === 'flush') {
        this.emit();
        this.port.postMessage({ type: 'flushed' });
      }
    };
  }

  push(samples) {
    if (this.len + samples.length > this.buf.length) {
      const bigger = new Float32Array(Math.max(this.buf.length * 2, this.len + samples.length));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(samples, this.len);
    this.len += samples.length;
  }

  kernel(x) {
    if (x === 0) return this.cutoff;
    const a = Math.PI * this.cutoff * x;
    const w = 0.5 + 0.5 * Math.cos(Math.PI * x / this.half); // Hann window
    return this.cutoff * Math.sin(a) / a * w;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    let mono = input[0];
    if (input.length > 1) {
      mono = new Float32Array(input[0].length);
      for (const ch of input) for (let i = 0; i < mono.length; i++) mono[i] += ch[i] / input.length;
    }
    this.push(mono);
    const end = this.base + this.len; // one past the last buffered input sample
    while (this.pos + this.half < end) {
      const first = Math.ceil(this.pos - this.half);
      const last = Math.floor(this.pos + this.half);
      let acc = 0;
      for (let i = first; i <= last; i++) acc += this.buf[i - this.base] * this.kernel(i - this.pos);
      const v = Math.max(-1, Math.min(1, acc));
      this.sumSquares += v * v;
      this.out[this.outLen++] = v < 0 ? v * 0x8000 : v * 0x7fff;
      if (this.outLen === CHUNK) this.emit();
      this.pos += this.step;
    }
    // keep what the next outputs still need
    const keepFrom = Math.floor(this.pos - this.half) - this.base;
    if (keepFrom > 0) {
      this.buf.copyWithin(0, keepFrom, this.len);
      this.len -= keepFrom;
      this.base += keepFrom;
    }
    return true;
  }

  emit() {
    if (this.outLen === 0) return;
    const pcm = this.out.slice(0, this.outLen);
    const rms = Math.sqrt(this.sumSquares / this.outLen);
    const db = 20 * Math.log10(rms + 1e-9);
    this.port.postMessage({ type: 'audio', pcm: pcm.buffer, level: Math.max(0, Math.min(1, (db + 60) / 60)) }, [pcm.buffer]);
    this.outLen = 0;
    this.sumSquares = 0;
  }
}

registerProcessor('pcm16-24k', Pcm16Resampler);
