#!/usr/bin/env bash
# Our Moonshine engine beside its peers, in one run, on the same clips and thread count:
#   onnxruntime-node  Moonshine tiny as moonshine-js 0.1.29 runs it (bench/peers/moonshine-js), the baseline
#   ort-java-floor    the same ONNX files, time inside OrtSession.run only (dev.stt.bench.OrtFloor)
#   stt-java          SttEngines.open("moonshine-tiny") (dev.stt.bench.EngineRtf)
#   vosk              Vosk 0.3.45 small English model (dev.stt.bench.peers.VoskPeer; Kaldi decodes on 1 thread)
# Each runner warms up once, then times every clip --rounds times and keeps the median; wall s is the
# sum over clips. Model loading is not timed. With --repeat K the four runners go round K times in
# turn and each keeps its fastest pass, so a burst of other load on a shared machine hurts no one
# runner alone. Compare the ratios within one run, not numbers across runs.
#
#   bench/run-peers.sh [--threads N] [--rounds N] [--repeat K] [--skip-build]
set -euo pipefail

threads=2
rounds=3
repeat=1
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    *) echo "usage: bench/run-peers.sh [--threads N] [--rounds N] [--repeat K] [--skip-build]" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
speech="$root/stt-testkit/data/speech"
out="$root/stt-bench/target/peers"
rm -rf "$out"
mkdir -p "$out"

if [[ $build == 1 ]]; then
  bench/java.sh --build-only
  (cd bench/peers/moonshine-js && npm ci --no-audit --no-fund --silent)
fi
jvm=(bench/java.sh --skip-build)

run() { # name, command...
  local name="$1.$pass"
  echo "pass $pass/$repeat: $1..." >&2
  shift
  "$@" >"$out/$name.out" 2>"$out/$name.err" || { echo "$name failed; see $out/$name.err" >&2; tail -5 "$out/$name.err" >&2; return 1; }
  grep -h '^MATCH' "$out/$name.out" >&2 || true
}

for ((pass = 1; pass <= repeat; pass++)); do
run onnxruntime-node node bench/peers/moonshine-js/transcribe.mjs --threads "$threads" --rounds "$rounds" --speech "$speech"
run ort-java-floor "${jvm[@]}" dev.stt.bench.OrtFloor --threads "$threads" --rounds "$rounds" --speech "$speech"
run stt-java "${jvm[@]}" dev.stt.bench.EngineRtf --threads "$threads" --rounds "$rounds" --speech "$speech" \
  --reference bench/peers/moonshine-js/reference-transcripts.tsv
run vosk "${jvm[@]}" dev.stt.bench.peers.VoskPeer --rounds "$rounds" --speech "$speech"
done

echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "threads $threads, $rounds rounds per clip (median), best of $repeat pass(es)"
cat "$out"/*.out | grep -h '^RESULT' | awk '
  { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    e = v["engine"]
    if (!(e in idx)) { n++; idx[e] = n }
    k = idx[e]
    if (wall[k] == "" || v["wall_s"] + 0 < wall[k] + 0) {
      eng[k] = e; thr[k] = v["threads"]; aud[k] = v["audio_s"]; wall[k] = v["wall_s"]; rtf[k] = v["rtf"]; wer[k] = v["wer"]
    }
  }
  END {
    for (i = 1; i <= n; i++) if (eng[i] == "onnxruntime-node") base = wall[i]
    printf "| %-22s | %7s | %7s | %7s | %7s | %6s | %23s |\n", "engine", "threads", "audio s", "wall s", "RTF", "WER %", "wall / onnxruntime-node"
    printf "|%s|%s|%s|%s|%s|%s|%s|\n", "------------------------", "---------:", "---------:", "---------:", "---------:", "--------:", "-------------------------:"
    for (i = 1; i <= n; i++)
      printf "| %-22s | %7s | %7s | %7s | %7s | %6s | %23s |\n", eng[i], thr[i], aud[i], wall[i], rtf[i], wer[i], (base > 0 ? sprintf("%.2f", wall[i] / base) : "-")
  }'
