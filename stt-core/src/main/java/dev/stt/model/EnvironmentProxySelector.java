package dev.stt.model;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxy settings of the environment, read as curl and pip read them: {@code https_proxy} for
 * https URLs, {@code http_proxy} for http, {@code all_proxy} for both, and {@code no_proxy} (host
 * names, domain suffixes, or {@code *}) for hosts to reach directly. Loopback is always direct, so a
 * proxy set for the internet does not swallow requests to a local mirror.
 */
final class EnvironmentProxySelector extends ProxySelector {

    private final Proxy https;
    private final Proxy http;
    private final List<String> noProxy;
    private final ProxySelector fallback;

    private EnvironmentProxySelector(Proxy https, Proxy http, List<String> noProxy, ProxySelector fallback) {
        this.https = https;
        this.http = http;
        this.noProxy = noProxy;
        this.fallback = fallback;
    }

    /** Java's own proxy properties still apply to a scheme the environment says nothing about. */
    static ProxySelector from(Map<String, String> env) {
        Proxy all = parse(get(env, "all_proxy"));
        Proxy https = parse(get(env, "https_proxy"));
        Proxy http = parse(get(env, "http_proxy"));
        List<String> noProxy = new ArrayList<>();
        String np = get(env, "no_proxy");
        if (np != null) {
            for (String h : np.split(",")) {
                String t = h.strip().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    noProxy.add(t.startsWith(".") ? t.substring(1) : t);
                }
            }
        }
        return new EnvironmentProxySelector(https != null ? https : all, http != null ? http : all,
                List.copyOf(noProxy), ProxySelector.getDefault());
    }

    private static String get(Map<String, String> env, String lower) {
        String v = env.get(lower);
        if (v == null || v.isBlank()) {
            v = env.get(lower.toUpperCase(Locale.ROOT));
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static Proxy parse(String v) {
        if (v == null) {
            return null;
        }
        URI u = URI.create(v.contains("://") ? v : "http://" + v);
        if (u.getHost() == null) {
            throw new IllegalArgumentException("proxy setting '" + v + "' names no host");
        }
        return new Proxy(Proxy.Type.HTTP,
                InetSocketAddress.createUnresolved(u.getHost(), u.getPort() > 0 ? u.getPort() : 80));
    }

    @Override
    public List<Proxy> select(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (direct(host)) {
            return List.of(Proxy.NO_PROXY);
        }
        Proxy p = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
        if (p != null) {
            return List.of(p);
        }
        return fallback != null ? fallback.select(uri) : List.of(Proxy.NO_PROXY);
    }

    private boolean direct(String host) {
        if (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1")) {
            return true;
        }
        for (String n : noProxy) {
            if (n.equals("*") || host.equals(n) || host.endsWith("." + n)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        if (fallback != null) {
            fallback.connectFailed(uri, sa, ioe);
        }
    }
}
