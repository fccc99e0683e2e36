package dev.stt.model;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.util.List;

/** What the store tells a user when it cannot serve a model: what is wrong, and what to do about it. */
final class ModelStoreMessages {

    /** The damage of a model that has no folder in the cache at all. */
    static final String NOT_DOWNLOADED = "not downloaded";

    private ModelStoreMessages() {
    }

    /** Why model {@code m}, cached (or not) in {@code dir}, cannot be served, and how to get it there. */
    static String notServable(ModelManifest m, Path dir, List<String> damage, String why) {
        String state = damage.equals(List.of(NOT_DOWNLOADED))
                ? "is not in the cache (" + dir + ")"
                : "is damaged in the cache (" + dir + ": " + String.join("; ", damage) + ")";
        return "model '" + m.name() + "' " + state + " and " + why + "; run 'stt models pull " + m.name()
                + "' where the network is reachable, or copy the model folder to " + dir;
    }

    static String unknownModel(String name, List<String> known) {
        return "unknown model '" + name + "' (known: " + String.join(", ", known) + "; or give a model folder)";
    }

    /** HttpClient's exceptions often carry no message; say what kind of failure it was. */
    static String describe(Throwable e) {
        if (e instanceof InactivityTimeoutInputStream.StalledException) {
            return e.getMessage();
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "connection timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "no response within the stall timeout";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage() + " (no network or DNS?)";
        }
        if (e instanceof ConnectException) {
            return "cannot connect" + (e.getMessage() != null ? " (" + e.getMessage() + ")" : "")
                    + " (no network, or a proxy is needed: https_proxy)";
        }
        String msg = e.getMessage();
        Throwable cause = e.getCause() != e ? e.getCause() : null;
        if (msg == null || msg.isBlank()) {
            return cause != null ? describe(cause) : e.getClass().getSimpleName();
        }
        if (cause != null && cause.getMessage() != null && !msg.contains(cause.getMessage())) {
            return msg + ": " + describe(cause);
        }
        return msg;
    }
}
