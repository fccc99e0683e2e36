package dev.stt.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's {@code /metrics} (Prometheus text), read before and after each step so a step reports
 * what its counters moved by: {@code stt_interim_decodes_total{outcome=...}}, {@code stt_early_decodes_total}.
 */
public final class MetricsScrape {

    /** Counters a step reports, as {@link #key} writes them. */
    static final String[] REPORTED = {
        "stt_interim_decodes_total{outcome=started}", "stt_interim_decodes_total{outcome=skipped}",
        "stt_interim_decodes_total{outcome=reported}", "stt_interim_decodes_total{outcome=dropped}",
        "stt_early_decodes_total",
    };

    private MetricsScrape() {
    }

    /** Samples of one scrape, keyed {@code name} or {@code name{label=value,...}} (quotes dropped, labels in order). */
    public static Map<String, Double> parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int close = line.lastIndexOf('}');
            String name;
            String labels = "";
            String rest;
            if (brace >= 0 && close > brace) {
                name = line.substring(0, brace);
                labels = line.substring(brace + 1, close);
                rest = line.substring(close + 1).strip();
            } else {
                int sp = line.indexOf(' ');
                if (sp < 0) {
                    continue;
                }
                name = line.substring(0, sp);
                rest = line.substring(sp + 1).strip();
            }
            String value = rest.split("\\s+")[0];
            double v;
            try {
                v = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                continue;
            }
            out.put(key(name, labels), v);
        }
        return out;
    }

    static String key(String name, String labels) {
        StringBuilder b = new StringBuilder();
        for (String kv : labels.split(",")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String v = kv.substring(eq + 1).strip();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            b.append(b.isEmpty() ? "" : ",").append(kv.substring(0, eq).strip()).append('=').append(v);
        }
        return b.isEmpty() ? name : name + "{" + b + "}";
    }

    /** {@code after - before} for each reported counter (absent = 0). */
    public static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> d = new LinkedHashMap<>();
        for (String k : REPORTED) {
            d.put(k, after.getOrDefault(k, 0.0) - before.getOrDefault(k, 0.0));
        }
        return d;
    }

    /** One scrape of {@code http://HOST:PORT/metrics} for the WebSocket URI's host and port; empty when it fails. */
    static Map<String, Double> scrape(HttpClient http, URI ws) {
        try {
            URI m = new URI("http", null, ws.getHost(), ws.getPort(), "/metrics", null, null);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(m).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? parse(r.body()) : Map.of();
        } catch (Exception e) {
            return Map.of();
        }
    }
}
