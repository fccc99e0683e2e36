package dev.stt.server;

/** Lets tests in other packages read {@link WebPage}'s package-private policy builder. */
public final class WebPageTestAccess {

    private WebPageTestAccess() {
    }

    public static String csp(String host) {
        return WebPage.contentSecurityPolicy(host);
    }
}
