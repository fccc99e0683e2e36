// Live captions: the microphone over the Realtime door (/v1/realtime, pcm16 at 24 kHz, server VAD) and a
// file over POST /v1/audio/transcriptions. Plain ES module, no dependencies; everything stays on this server.

const $ = (id) => document.getElementById(id);
const ui = {
  server: $('server-status'),
  key: $('api-key'),
  start: $('mic-start'),
  stop: $('mic-stop'),
  level: $('level'),
  status: $('status'),
  transcript: $('transcript'),
  file: $('file-input'),
  fileStatus: $('file-status'),
  fileText: $('file-text'),
  srt: $('download-srt'),
  vtt: $('download-vtt'),
};

const SUBPROTOCOL_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MAX_QUEUED_CHUNKS = 300; // 30 s of audio waiting for the socket

function show(el, text, kind) {
  el.textContent = text;
  el.classList.toggle('error', kind === 'error');
  el.classList.toggle('ok', kind === 'ok');
}

function apiKey() {
  return ui.key.value.trim();
}

function authHeaders() {
  const key = apiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

// ---- the server's state ------------------------------------------------------------------------------

let readyTimer = null;

/** GET /ready: {ok, message}; polls again while the models load. */
async function checkServer() {
  clearTimeout(readyTimer);
  let res;
  let body = null;
  try {
    res = await fetch('/ready', { cache: 'no-store' });
    body = await res.json().catch(() => null);
  } catch {
    show(ui.server, 'Cannot reach the server. Is it running?', 'error');
    readyTimer = setTimeout(checkServer, 5000);
    return { ok: false, message: 'Cannot reach the server.' };
  }
  const status = body?.status;
  if (res.ok && status === 'ready') {
    show(ui.server, `Server ready · model ${body.model}`, 'ok');
    return { ok: true };
  }
  let message;
  if (status === 'loading') {
    message = `The server is still loading model ${body.model}. This page notices when it is ready.`;
  } else if (status === 'failed') {
    message = `The server could not load its model: ${body.reason}`;
  } else if (status === 'overloaded') {
    message = 'The server is busy right now; try again in a moment.';
  } else if (status === 'shutting_down') {
    message = 'The server is shutting down.';
  } else {
    message = `The server is not ready (HTTP ${res.status}).`;
  }
  show(ui.server, message, 'error');
  if (status !== 'failed') readyTimer = setTimeout(checkServer, 2000);
  return { ok: false, message };
}

/** After a refusal: says whether the API key is the reason. */
async function explainRefusal(fallback) {
  try {
    const res = await fetch('/v1/models', { headers: authHeaders(), cache: 'no-store' });
    if (res.status === 401) {
      return apiKey() ? 'The server refused this API key.' : 'This server requires an API key: enter it above.';
    }
  } catch {
    return 'Lost the connection to the server.';
  }
  return fallback;
}

// ---- microphone --------------------------------------------------------------------------------------

let mic = null; // {stream, context, node, ws, queue, sentMs, stopping, items, order}

function micError(err) {
  switch (err?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Microphone access was denied. Allow it in the browser (the icon in the address bar) and press Start again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found.';
    case 'NotReadableError':
      return 'The microphone is in use by another program or cannot be read.';
    default:
      return `Cannot open the microphone: ${err?.message ?? err}`;
  }
}

function realtimeUrl(key) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let url = `${scheme}//${location.host}/v1/realtime?intent=transcription`;
  if (key && !SUBPROTOCOL_TOKEN.test(key)) url += `&api_key=${encodeURIComponent(key)}`; // not sendable as a subprotocol
  return url;
}

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function sendAudio(m, buffer) {
  m.ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: base64(new Uint8Array(buffer)) }));
  m.sentMs += buffer.byteLength / 2 / 24;
}

function item(m, id) {
  let it = m.items.get(id);
  if (!it) {
    it = { text: '', interim: '', done: false };
    m.items.set(id, it);
    m.order.push(id);
  }
  return it;
}

function render(m) {
  const frag = document.createDocumentFragment();
  for (const id of m.order) {
    const it = m.items.get(id);
    const text = it.done ? it.text : it.interim;
    if (!text.trim()) continue;
    const span = document.createElement('span');
    span.className = it.done ? 'turn' : 'turn interim';
    span.textContent = text.replace(/\s+/g, ' ').trim() + ' ';
    frag.append(span);
  }
  ui.transcript.replaceChildren(frag);
  ui.transcript.scrollTop = ui.transcript.scrollHeight;
}

function onEvent(m, e) {
  switch (e.type) {
    case 'input_audio_buffer.speech_started':
      item(m, e.item_id);
      show(ui.status, 'Hearing speech…');
      break;
    case 'input_audio_buffer.speech_stopped':
      show(ui.status, 'Listening.');
      break;
    case 'input_audio_buffer.committed':
      item(m, e.item_id);
      break;
    case 'conversation.item.input_audio_transcription.delta': {
      const it = item(m, e.item_id);
      if (!it.done) it.interim += e.delta;
      render(m);
      break;
    }
    case 'conversation.item.input_audio_transcription.completed': {
      const it = item(m, e.item_id);
      it.text = e.transcript ?? it.interim;
      it.done = true;
      render(m);
      break;
    }
    case 'conversation.item.input_audio_transcription.failed': {
      const it = item(m, e.item_id);
      it.done = true;
      it.text = it.interim;
      render(m);
      show(ui.status, `A turn could not be transcribed: ${e.error?.message ?? 'unknown error'}`, 'error');
      break;
    }
    case 'error':
      if (e.error?.code === 'models_not_ready') {
        show(ui.status, 'The server is still loading its model; try again when it says it is ready.', 'error');
        checkServer();
      } else {
        show(ui.status, `Server error: ${e.error?.message ?? JSON.stringify(e.error)}`, 'error');
      }
      break;
    default:
      break; // session.created / updated and others need nothing
  }
}

async function startMic() {
  if (mic) return;
  ui.start.disabled = true;
  show(ui.status, 'Checking the server…');
  const ready = await checkServer();
  if (!ready.ok) {
    show(ui.status, ready.message, 'error');
    ui.start.disabled = false;
    return;
  }
  show(ui.status, 'Asking for the microphone…');
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      // the models want the voice as it is: the browser's call processing (echo, noise, gain) only colours it
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
  } catch (err) {
    show(ui.status, micError(err), 'error');
    ui.start.disabled = false;
    return;
  }
  const m = { stream, queue: [], sentMs: 0, stopping: false, opened: false, items: new Map(), order: [] };
  mic = m;
  ui.stop.disabled = false;
  try {
    // audio is captured from the start and queued while the socket connects, so the first words are kept
    m.context = new AudioContext();
    await m.context.audioWorklet.addModule('/audio-worklet.js');
    if (m.stopping) return; // Stop was pressed while the worklet loaded
    m.source = m.context.createMediaStreamSource(stream);
    m.node = new AudioWorkletNode(m.context, 'pcm16-24k', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
    m.node.port.onmessage = (e) => {
      if (e.data.type === 'flushed') {
        m.flushed?.();
        return;
      }
      ui.level.value = e.data.level;
      if (m.ws?.readyState === WebSocket.OPEN && m.opened) {
        sendAudio(m, e.data.pcm);
      } else if (!m.stopping && m.queue.length < MAX_QUEUED_CHUNKS) {
        m.queue.push(e.data.pcm);
      }
    };
    m.source.connect(m.node);
    m.node.connect(m.context.destination); // silent: keeps the node in the rendered graph
    if (m.context.state === 'suspended') await m.context.resume();
    if (m.stopping) return;
  } catch (err) {
    teardownAudio(m);
    if (m.stopping) return; // stopped while starting: the context was closed under it
    if (mic === m) mic = null;
    show(ui.status, `Cannot process microphone audio in this browser: ${err.message}`, 'error');
    ui.start.disabled = false;
    ui.stop.disabled = true;
    return;
  }
  connect(m);
}

function connect(m) {
  const key = apiKey();
  const protocols = ['realtime'];
  if (key && SUBPROTOCOL_TOKEN.test(key)) protocols.push(`openai-insecure-api-key.${key}`);
  show(ui.status, 'Connecting…');
  const ws = new WebSocket(realtimeUrl(key), protocols);
  m.ws = ws;
  ws.onopen = () => {
    m.opened = true;
    ws.send(JSON.stringify({
      type: 'transcription_session.update',
      session: { input_audio_format: 'pcm16', turn_detection: { type: 'server_vad' } },
    }));
    for (const pcm of m.queue) sendAudio(m, pcm);
    m.queue = [];
    show(ui.status, 'Listening. Speak now.', 'ok');
  };
  ws.onmessage = (msg) => {
    let e;
    try {
      e = JSON.parse(msg.data);
    } catch {
      return;
    }
    onEvent(m, e);
  };
  ws.onclose = async (ev) => {
    m.closed = true;
    m.whenClosed?.();
    if (m.stopping) return;
    // not asked for: the server refused, went away, or the network dropped
    teardownAudio(m);
    if (mic === m) mic = null;
    ui.start.disabled = false;
    ui.stop.disabled = true;
    ui.level.value = 0;
    let message;
    if (!m.opened) {
      message = await explainRefusal('Could not connect to the server. Press Start to try again.');
    } else if (ev.code === 1001) {
      message = 'The server is shutting down; the connection was closed. Press Start to reconnect.';
    } else if (ev.code === 1013) {
      message = 'The server is at its session limit; try again later.';
    } else {
      message = `Lost the connection to the server${ev.code ? ` (code ${ev.code})` : ''}. Press Start to reconnect.`;
    }
    show(ui.status, message, 'error');
    checkServer();
  };
}

function teardownAudio(m) {
  for (const t of m.stream?.getTracks() ?? []) t.stop();
  try {
    m.source?.disconnect();
    m.node?.disconnect();
  } catch { /* already disconnected */ }
  m.context?.close().catch(() => {});
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function stopMic() {
  const m = mic;
  if (!m || m.stopping) return;
  m.stopping = true;
  ui.stop.disabled = true;
  show(ui.status, 'Finishing the last words…');
  if (m.node) {
    const flushed = new Promise((r) => { m.flushed = r; });
    m.node.port.postMessage('flush');
    await Promise.race([flushed, wait(500)]);
  }
  teardownAudio(m);
  ui.level.value = 0;
  const ws = m.ws;
  if (ws?.readyState === WebSocket.OPEN) {
    if (m.sentMs >= 100) ws.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
    // let the open turn come back before closing, for up to 10 s
    const deadline = Date.now() + 10000;
    await wait(300);
    while (Date.now() < deadline && !m.closed && [...m.items.values()].some((it) => !it.done)) await wait(100);
    const closed = new Promise((r) => { m.whenClosed = r; });
    ws.close(1000, 'stopped');
    await Promise.race([closed, wait(2000)]);
  } else {
    ws?.close();
  }
  for (const it of m.items.values()) {
    if (!it.done) {
      it.done = true;
      it.text = it.interim;
    }
  }
  render(m);
  if (mic === m) mic = null;
  ui.start.disabled = false;
  show(ui.status, 'Stopped. Press Start to go on.');
}

// ---- a file ------------------------------------------------------------------------------------------

let downloads = []; // object URLs to revoke

function resetDownloads() {
  for (const u of downloads) URL.revokeObjectURL(u);
  downloads = [];
  for (const a of [ui.srt, ui.vtt]) {
    a.removeAttribute('href');
    a.onclick = null;
    a.classList.add('disabled');
    a.setAttribute('aria-disabled', 'true');
  }
}

function timestamp(seconds, sep) {
  const ms = Math.round(Math.max(0, seconds) * 1000);
  const p = (n, w) => String(n).padStart(w, '0');
  return `${p(Math.floor(ms / 3600000), 2)}:${p(Math.floor(ms / 60000) % 60, 2)}:${p(Math.floor(ms / 1000) % 60, 2)}${sep}${p(ms % 1000, 3)}`;
}

/** The same documents as the server's response_format=srt / vtt (dev.stt.protocol.subtitle.Subtitles). */
export function srt(segments) {
  return segments.map((s, i) => `${i + 1}\n${timestamp(s.start, ',')} --> ${timestamp(s.end, ',')}\n${s.text.trim()}\n\n`).join('');
}

export function vtt(segments) {
  return 'WEBVTT\n\n' + segments.map((s) => `${timestamp(s.start, '.')} --> ${timestamp(s.end, '.')}\n${s.text.trim()}\n\n`).join('');
}

function offer(a, text, type, name) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  downloads.push(url);
  a.href = url;
  a.download = name;
  a.classList.remove('disabled');
  a.removeAttribute('aria-disabled');
}

function baseName(file) {
  return file.name.replace(/\.[^.]+$/, '') || 'transcript';
}

function post(file, format, stream) {
  const form = new FormData();
  form.append('file', file, file.name);
  form.append('response_format', format);
  if (stream) form.append('stream', 'true');
  return fetch('/v1/audio/transcriptions', { method: 'POST', body: form, headers: authHeaders() });
}

async function failure(res) {
  const body = await res.json().catch(() => null);
  const detail = body?.error?.message ?? `HTTP ${res.status}`;
  if (res.status === 401) return apiKey() ? 'The server refused this API key.' : 'This server requires an API key: enter it above.';
  if (res.status === 413) return `The file is too large for this server: ${detail}`;
  if (res.status === 503) {
    checkServer();
    return `The server cannot transcribe right now: ${detail}`;
  }
  return `The server could not transcribe the file: ${detail}`;
}

/** Reads an SSE transcription stream (transcript.text.delta / .done); returns the final text. */
async function readStream(res, onText) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let text = '';
  let finished = null;
  const handle = (block) => {
    const data = block.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
    if (!data || data === '[DONE]') return;
    const e = JSON.parse(data);
    if (e.type === 'transcript.text.delta') {
      text += e.delta;
      onText(text);
    } else if (e.type === 'transcript.text.done') {
      finished = e.text ?? text;
      onText(finished);
    } else if (e.type === 'error' || e.error) {
      throw new Error(e.error?.message ?? 'the server reported an error');
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let m;
    while ((m = /\r?\n\r?\n/.exec(buffer))) {
      handle(buffer.slice(0, m.index));
      buffer = buffer.slice(m.index + m[0].length);
    }
  }
  if (buffer.trim()) handle(buffer);
  return finished ?? text;
}

let fileRun = 0;

async function transcribeFile(file) {
  const run = ++fileRun;
  resetDownloads();
  ui.fileText.textContent = '';
  show(ui.fileStatus, `Transcribing ${file.name}…`);
  const started = performance.now();
  let res;
  try {
    // streamed: the text grows as each piece is transcribed; subtitles are asked for when wanted
    res = await post(file, 'json', true);
  } catch {
    show(ui.fileStatus, 'Lost the connection to the server while sending the file.', 'error');
    return;
  }
  if (run !== fileRun) return;
  if (!res.ok) {
    show(ui.fileStatus, await failure(res), 'error');
    return;
  }
  let segments = null;
  try {
    if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      await readStream(res, (t) => { if (run === fileRun) ui.fileText.textContent = t.trim(); });
    } else {
      const body = await res.json();
      ui.fileText.textContent = (body.text ?? '').trim();
      segments = Array.isArray(body.segments) ? body.segments : null;
    }
  } catch (err) {
    show(ui.fileStatus, `Lost the transcription of ${file.name}: ${err.message}`, 'error');
    return;
  }
  if (run !== fileRun) return;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  show(ui.fileStatus, `${file.name}: transcribed in ${seconds} s.`, 'ok');
  const name = baseName(file);
  if (segments) {
    offer(ui.srt, srt(segments), 'application/x-subrip', `${name}.srt`);
    offer(ui.vtt, vtt(segments), 'text/vtt', `${name}.vtt`);
  } else {
    // a streamed answer has no segments: ask for the subtitle format when it is wanted
    for (const [a, format] of [[ui.srt, 'srt'], [ui.vtt, 'vtt']]) {
      a.classList.remove('disabled');
      a.removeAttribute('aria-disabled');
      a.onclick = async (ev) => {
        if (a.href) return;
        ev.preventDefault();
        show(ui.fileStatus, `Making the ${format.toUpperCase()} file…`);
        const r = await post(file, format, false).catch(() => null);
        if (!r?.ok) {
          show(ui.fileStatus, r ? await failure(r) : 'Lost the connection to the server.', 'error');
          return;
        }
        offer(a, await r.text(), format === 'srt' ? 'application/x-subrip' : 'text/vtt', `${name}.${format}`);
        show(ui.fileStatus, `${file.name}: ${format.toUpperCase()} ready.`, 'ok');
        a.click();
      };
    }
  }
}

// ---- wiring ------------------------------------------------------------------------------------------

$('settings').addEventListener('submit', (e) => e.preventDefault()); // Enter in the key field goes nowhere
ui.start.addEventListener('click', startMic);
ui.stop.addEventListener('click', stopMic);
ui.file.addEventListener('change', () => {
  const f = ui.file.files?.[0];
  if (f) transcribeFile(f);
});
if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
  show(ui.status, 'This browser allows the microphone only on https:// or http://localhost pages.', 'error');
}
if (typeof AudioWorkletNode === 'undefined') {
  show(ui.status, 'This browser has no AudioWorklet: the microphone cannot be used here.', 'error');
}
checkServer();
