// The benchmark clip set: shared/data/speech/jfk.wav, librivox/*.wav, librispeech/*.wav, each with its
// reference transcript (jfk.txt; transcripts.tsv per folder, "<basename>\t<text>").
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';

export function listClips(speechDir) {
  const clips = [];
  const jfk = join(speechDir, 'jfk.wav');
  if (existsSync(jfk)) clips.push({ file: 'jfk.wav', path: jfk, reference: readText(join(speechDir, 'jfk.txt')) });
  for (const sub of ['librivox', 'librispeech']) {
    const dir = join(speechDir, sub);
    if (!existsSync(dir)) continue;
    const refs = readTsv(join(dir, 'transcripts.tsv'));
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.wav')).sort()) {
      const id = basename(name, '.wav');
      clips.push({ file: `${sub}/${name}`, path: join(dir, name), reference: refs.get(id) ?? null });
    }
  }
  if (clips.length === 0) throw new Error(`no clips under ${speechDir}`);
  return clips;
}

function readText(path) {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : null;
}

function readTsv(path) {
  const map = new Map();
  if (!existsSync(path)) return map;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) map.set(line.slice(0, tab), line.slice(tab + 1).trim());
  }
  return map;
}
