// Word error rate with the normalisation every runner in bench/ uses (the Java side has the same
// rules in dev.stt.bench.WordErrorRate): lowercase, hyphens split words, other punctuation dropped
// (apostrophes too, so "don't" == "dont"), whole numbers spelled out as words, and the titles
// Mr/Mrs/Dr spelled the way LibriSpeech's references spell them (mister, missus, doctor).

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven',
  'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const TITLES = new Map([['mr', 'mister'], ['mrs', 'missus'], ['dr', 'doctor']]);
const SCALES = [[1_000_000_000, 'billion'], [1_000_000, 'million'], [1000, 'thousand'], [100, 'hundred']];

/** 1234 -> "one thousand two hundred thirty four" (non-negative integers below 10^12). */
export function numberToWords(n) {
  if (n < 20) return ONES[n];
  if (n < 100) return TENS[Math.floor(n / 10)] + (n % 10 ? ' ' + ONES[n % 10] : '');
  for (const [value, name] of SCALES) {
    if (n >= value) {
      const rest = n % value;
      return numberToWords(Math.floor(n / value)) + ' ' + name + (rest ? ' ' + numberToWords(rest) : '');
    }
  }
  throw new Error('unreachable');
}

/** The words of a text after normalisation. */
export function normalizeWords(text) {
  return text
    .toLowerCase()
    .replace(/[-\u2010-\u2015]/g, ' ')
    .replace(/(\d),(?=\d{3}\b)/g, '$1') // 1,000 -> 1000
    .replace(/['\u2019]/g, '')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\d+/g, (d) => (d.length <= 12 ? ' ' + numberToWords(Number(d)) + ' ' : ' ' + [...d].map((c) => ONES[+c]).join(' ') + ' '))
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => TITLES.get(w) ?? w);
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
