// Drives the rest of the HTTP API with the official SDK: streamed transcription, translations, model
// lookup and aliases, and the requests OpenAI refuses. Prints one JSON object.
// usage: node api.mjs <baseURL> <clip.wav> <long.wav>
import fs from 'node:fs';
import OpenAI from 'openai';

const [baseURL, wavPath, longPath] = process.argv.slice(2);
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'sk-local', baseURL, maxRetries: 0 });
const attempt = async (fn) => {
  try {
    return await fn();
  } catch (e) {
    return { sdkError: { status: e.status ?? null, message: e.message, error: e.error ?? null } };
  }
};
const file = (p = wavPath) => fs.createReadStream(p);
const out = {};

// stream=true: every event in order, and when the first delta and the done event arrived
out.stream = await attempt(async () => {
  const started = performance.now();
  const events = [];
  let firstDeltaMs = null;
  let doneMs = null;
  const stream = await client.audio.transcriptions.create({ file: file(longPath), model: 'gpt-4o-mini-transcribe', stream: true });
  for await (const ev of stream) {
    if (ev.type === 'transcript.text.delta' && firstDeltaMs === null) firstDeltaMs = performance.now() - started;
    if (ev.type === 'transcript.text.done') doneMs = performance.now() - started;
    events.push(ev);
  }
  return { events, firstDeltaMs, doneMs };
});
out.plainLong = await attempt(() => client.audio.transcriptions.create({ file: file(longPath), model: 'moonshine-tiny' }));
out.translation = await attempt(() => client.audio.translations.create({ file: file(), model: 'whisper-1' }));
out.retrieve = await attempt(() => client.models.retrieve('moonshine-tiny'));
out.retrieveAlias = await attempt(() => client.models.retrieve('whisper-1'));
out.retrieveUnknown = await attempt(() => client.models.retrieve('nonexistent-model'));
out.alias = await attempt(() => client.audio.transcriptions.create({ file: file(), model: 'whisper-1' }));
out.unknownModel = await attempt(() => client.audio.transcriptions.create({ file: file(), model: 'nonexistent-model' }));
out.verbose = await attempt(() => client.audio.transcriptions.create({
  file: file(), model: 'moonshine-tiny', response_format: 'verbose_json', timestamp_granularities: ['segment'] }));
out.words = await attempt(() => client.audio.transcriptions.create({
  file: file(), model: 'moonshine-tiny', response_format: 'verbose_json', timestamp_granularities: ['word'] }));
out.srt = await attempt(() => client.audio.transcriptions.create({ file: file(), model: 'moonshine-tiny', response_format: 'srt' }));
out.refused = {
  temperatureText: await attempt(() => client.audio.transcriptions.create({ file: file(), model: 'whisper-1', temperature: 'abc' })),
  temperatureHigh: await attempt(() => client.audio.transcriptions.create({ file: file(), model: 'whisper-1', temperature: 5 })),
  languageBad: await attempt(() => client.audio.transcriptions.create({ file: file(), model: 'whisper-1', language: 'xx1' })),
  languageUnsupported: await attempt(() => client.audio.transcriptions.create({ file: file(), model: 'whisper-1', language: 'fr' })),
  granularitiesWithJson: await attempt(() => client.audio.transcriptions.create({
    file: file(), model: 'whisper-1', response_format: 'json', timestamp_granularities: ['word'] })),
  formatUnknown: await attempt(() => client.audio.transcriptions.create({ file: file(), model: 'whisper-1', response_format: 'xml' })),
};
console.log(JSON.stringify(out));
