// Word error rate with the same normalisation as the Java side (stt-core dev.stt.eval.TextNormalizer,
// used by every Java runner in stt-bench), so the WER columns of bench/run-peers.sh compare:
// lowercase; hyphens split words; punctuation dropped, except an apostrophe between letters ("don't"
// stays one word); whole numbers spelled out, four-digit ones read as years ("1961" -> "nineteen sixty
// one"); abbreviations in their spoken form (mr -> mister, mrs -> missus, dr -> doctor, ...).

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven',
  'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SPOKEN = new Map([['mr', 'mister'], ['mrs', 'missus'], ['dr', 'doctor'], ['st', 'saint'], ['jr', 'junior'],
  ['sr', 'senior']]);

function below100(n) {
  return n < 20 ? ONES[n] : TENS[Math.floor(n / 10)] + (n % 10 ? ' ' + ONES[n % 10] : '');
}

function spell(n) {
  if (n < 100) return below100(n);
  if (n < 1000) return ONES[Math.floor(n / 100)] + ' hundred' + (n % 100 ? ' ' + below100(n % 100) : '');
  if (n < 1_000_000) return spell(Math.floor(n / 1000)) + ' thousand' + (n % 1000 ? ' ' + spell(n % 1000) : '');
  return spell(Math.floor(n / 1_000_000)) + ' million' + (n % 1_000_000 ? ' ' + spell(n % 1_000_000) : '');
}

/** Spells a number below 10^9; a four-digit one reads as a year when it can ("1961"). */
export function numberToWords(n, yearLike = false) {
  if (yearLike && n >= 1100 && n < 10000 && n % 1000 >= 100 && Math.floor(n / 100) % 10 !== 0) {
    const hi = Math.floor(n / 100);
    const lo = n % 100;
    return below100(hi) + ' ' + (lo === 0 ? 'hundred' : lo < 10 ? 'oh ' + ONES[lo] : below100(lo));
  }
  return spell(n);
}

const isLetter = (c) => /\p{L}/u.test(c);
const isLetterOrDigit = (c) => /[\p{L}\p{Nd}]/u.test(c);

/** The words of a text after normalisation. */
export function normalizeWords(text) {
  const t = text.toLowerCase().replaceAll('-', ' ').replaceAll('\u2019', "'");
  let clean = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (isLetterOrDigit(c) || /\s/.test(c)) clean += c;
    else if (c === "'" && i > 0 && i + 1 < t.length && isLetter(t[i - 1]) && isLetter(t[i + 1])) clean += c;
    else clean += ' ';
  }
  const out = [];
  for (const w of clean.trim().split(/\s+/)) {
    if (!w) continue;
    if (/^\d{1,9}$/.test(w)) out.push(...numberToWords(Number(w), w.length === 4).split(' '));
    else out.push(SPOKEN.get(w) ?? w);
  }
  return out;
}

/** Word-level Levenshtein distance (substitutions + deletions + insertions). */
export function wordEdits(ref, hyp) {
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hyp.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[hyp.length];
}

/** Aggregate WER over pairs: total edits / total reference words. */
export function aggregateWer(pairs) {
  let edits = 0;
  let words = 0;
  for (const { reference, hypothesis } of pairs) {
    const r = normalizeWords(reference);
    edits += wordEdits(r, normalizeWords(hypothesis));
    words += r.length;
  }
  return words === 0 ? 0 : edits / words;
}
