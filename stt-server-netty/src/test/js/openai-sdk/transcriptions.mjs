// Calls client.audio.transcriptions.create once per response_format, and client.models.list().
// usage: node transcriptions.mjs <baseURL> <clip.wav>
import fs from 'node:fs';
import OpenAI from 'openai';

const [baseURL, wavPath] = process.argv.slice(2);
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'sk-local', baseURL, maxRetries: 0 });

const out = { models: null, results: {} };
const attempt = async (fn) => {
  try {
    return await fn();
  } catch (e) {
    return { sdkError: { status: e.status ?? null, message: e.message, error: e.error ?? null } };
  }
};
out.models = await attempt(async () => (await client.models.list()).data);
for (const response_format of ['json', 'text', 'srt', 'vtt', 'verbose_json']) {
  out.results[response_format] = await attempt(() => client.audio.transcriptions.create({
    file: fs.createReadStream(wavPath),
    model: 'moonshine-tiny',
    language: 'en',
    response_format,
    ...(response_format === 'verbose_json' ? { timestamp_granularities: ['segment', 'word'] } : {}),
  }));
}
console.log(JSON.stringify(out));
