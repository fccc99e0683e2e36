// Runs one Realtime transcription session with the official SDK's OpenAIRealtimeWS and prints what came back.
// usage: node realtime.mjs <baseURL e.g. http://127.0.0.1:8000/v1> <clip.wav> <pcm16|pcmu> [ga|beta] [server_vad|manual] [fast|realtime]
// Plain http:// base URLs use the SDK's transport hook: the SDK always builds a wss:// URL, and ws's
// `createConnection` option hands it a plain TCP socket instead of a TLS one. https:// base URLs use TLS
// as the SDK intends (set NODE_EXTRA_CA_CERTS for a self-signed certificate).
import net from 'node:net';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { readWav, resample, toPcm16, toMuLaw } from './audio.mjs';

const [baseURL, wavPath, format = 'pcm16', dialect = 'ga', turn = 'server_vad', pace = 'fast'] = process.argv.slice(2);
const apiKey = process.env.OPENAI_API_KEY ?? 'sk-local';
const client = new OpenAI({ apiKey, baseURL });
const plain = baseURL.startsWith('http://');

const { samples, rate } = readWav(wavPath);
const audioRate = format === 'pcmu' ? 8000 : 24000;
const bytes = format === 'pcmu' ? toMuLaw(resample(samples, rate, 8000)) : toPcm16(resample(samples, rate, 24000));
const bytesPerMs = format === 'pcmu' ? 8 : 48;

const rt = new OpenAIRealtimeWS({
  model: 'moonshine-tiny',
  options: plain ? { createConnection: (o) => net.connect({ host: o.host, port: o.port }) } : {},
}, client);

const events = [];
const errors = [];
let lastEventAt = Date.now();
rt.on('event', (e) => { events.push(e); lastEventAt = Date.now(); });
rt.on('error', (err) => errors.push({ message: err.message, error: err.error ?? null }));

const turnDetection = turn === 'manual' ? null
  : { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 };

await new Promise((resolve, reject) => {
  rt.socket.on('open', resolve);
  rt.socket.on('error', reject);
  rt.socket.on('unexpected-response', (req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
}).catch((e) => { console.log(JSON.stringify({ connectError: e.message })); process.exit(0); });

if (dialect === 'beta') {
  rt.send({
    type: 'transcription_session.update',
    session: {
      input_audio_format: format === 'pcmu' ? 'g711_ulaw' : 'pcm16',
      input_audio_transcription: { model: 'moonshine-tiny', language: 'en' },
      turn_detection: turnDetection,
    },
  });
} else {
  rt.send({
    type: 'session.update',
    session: {
      type: 'transcription',
      audio: {
        input: {
          format: format === 'pcmu' ? { type: 'audio/pcmu' } : { type: 'audio/pcm', rate: 24000 },
          transcription: { model: 'moonshine-tiny', language: 'en' },
          turn_detection: turnDetection,
        },
      },
    },
  });
}

// 100 ms chunks: at the pace of a microphone, or five times faster
const chunk = 100 * bytesPerMs;
const started = Date.now();
for (let off = 0, n = 1; off < bytes.length; off += chunk, n++) {
  rt.send({ type: 'input_audio_buffer.append', audio: bytes.subarray(off, off + chunk).toString('base64') });
  const due = pace === 'realtime' ? started + n * 100 : Date.now() + 20;
  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
}
rt.send({ type: 'input_audio_buffer.commit', event_id: 'client_commit_1' });

const deadline = Date.now() + 90_000;
for (;;) {
  await new Promise((r) => setTimeout(r, 100));
  const committed = events.filter((e) => e.type === 'input_audio_buffer.committed').length;
  const finished = events.filter((e) => e.type.endsWith('input_audio_transcription.completed')
    || e.type.endsWith('input_audio_transcription.failed')).length;
  const quietMs = Date.now() - lastEventAt;
  const allAnswered = committed > 0 && finished === committed;
  // a session that only answers with errors (no models, refused input) has nothing more to say
  const onlyErrors = committed === 0 && errors.length > 0;
  if (((allAnswered || onlyErrors) && quietMs > 1500) || quietMs > 15_000 || Date.now() > deadline) break;
}
rt.close();

const items = [];
for (const e of events) {
  if (e.type === 'input_audio_buffer.committed') {
    items.push({ item_id: e.item_id, previous_item_id: e.previous_item_id ?? null, deltas: '', completed: null });
  }
}
for (const e of events) {
  const item = items.find((i) => i.item_id === e.item_id);
  if (!item) continue;
  if (e.type === 'conversation.item.input_audio_transcription.delta') item.deltas += e.delta;
  if (e.type === 'conversation.item.input_audio_transcription.completed') item.completed = e.transcript;
  if (e.type === 'conversation.item.input_audio_transcription.failed') item.failed = e.error;
}
console.log(JSON.stringify({ audioRate, items, errors, events }));
