package dev.stt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentProxySelectorTest {

    private static String proxyOf(ProxySelector s, String url) {
        Proxy p = s.select(URI.create(url)).get(0);
        if (p.type() == Proxy.Type.DIRECT) {
            return "direct";
        }
        InetSocketAddress a = (InetSocketAddress) p.address();
        return a.getHostString() + ":" + a.getPort();
    }

    @Test
    void httpsAndHttpProxiesApplyToTheirSchemes() {
        ProxySelector s = EnvironmentProxySelector.from(Map.of(
                "https_proxy", "http://secure.proxy:3128", "HTTP_PROXY", "plain.proxy:8080"));
        assertEquals("secure.proxy:3128", proxyOf(s, "https://registry.npmjs.org/x.tgz"));
        assertEquals("plain.proxy:8080", proxyOf(s, "http://mirror.example/x.tgz"));
    }

    @Test
    void allProxyIsTheFallbackForBothSchemes() {
        ProxySelector s = EnvironmentProxySelector.from(Map.of("ALL_PROXY", "http://any.proxy"));
        assertEquals("any.proxy:80", proxyOf(s, "https://huggingface.co/a"));
        assertEquals("any.proxy:80", proxyOf(s, "http://huggingface.co/a"));
    }

    @Test
    void noProxyHostsAndLoopbackGoDirect() {
        ProxySelector s = EnvironmentProxySelector.from(Map.of(
                "https_proxy", "http://p:1", "http_proxy", "http://p:1", "no_proxy", "internal.corp, .mirror.lan"));
        assertEquals("direct", proxyOf(s, "https://models.internal.corp/x"));
        assertEquals("direct", proxyOf(s, "https://internal.corp/x"));
        assertEquals("direct", proxyOf(s, "http://a.mirror.lan/x"));
        assertEquals("direct", proxyOf(s, "http://127.0.0.1:8080/x"));
        assertEquals("direct", proxyOf(s, "http://localhost/x"));
        assertEquals("p:1", proxyOf(s, "https://notinternal.corp.example/x"));
    }
}
