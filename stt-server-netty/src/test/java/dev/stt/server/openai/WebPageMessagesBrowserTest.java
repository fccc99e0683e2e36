package dev.stt.server.openai;

import dev.stt.eval.TestData;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.stt.server.HttpResponses;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the page tells a person when things go wrong, in Chromium: a server still loading (then failing to
 * load), a missing or refused API key, a denied microphone, a connection lost when the server shuts down;
 * and an upload answered as a stream of SSE events.
 * The browser logs its failed requests as console errors here, so this test does not check the console.
 */
class WebPageMessagesBrowserTest {

    private static final Logger log = LoggerFactory.getLogger(WebPageMessagesBrowserTest.class);
    private static final String KEY = "messages-test-key";

    private final List<WebDriver> drivers = new ArrayList<>();
    private final List<SttServer> servers = new ArrayList<>();

    @AfterEach
    void close() {
        drivers.forEach(WebDriver::quit);
        servers.forEach(SttServer::shutdown);
    }

    private WebDriver browser(boolean allowMic) throws Exception {
        return browser(allowMic, null);
    }

    private WebDriver browser(boolean allowMic, Path downloads) throws Exception {
        WebDriver d = Chromium.start(TestData.jfkWav(), allowMic, downloads);
        drivers.add(d);
        return d;
    }

    private static String text(WebDriver d, String testId) {
        Object t = ((JavascriptExecutor) d).executeScript(
                "return document.querySelector(\"[data-testid='" + testId + "']\").textContent", new Object[0]);
        return t == null ? "" : t.toString();
    }

    private static void waitFor(WebDriver d, String testId, String words) {
        new WebDriverWait(d, Duration.ofSeconds(20), Duration.ofMillis(100))
                .withMessage(() -> testId + " never said '" + words + "'; it says '" + text(d, testId) + "'")
                .until(x -> text(d, testId).contains(words));
        log.info("{}: {}", testId, text(d, testId));
    }

    private static ServerConfig config() {
        return ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(1);
    }

    @Test
    void aServerStillLoadingIsSaidToBeLoadingThenFailed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SttServer server = OpenAiCompatibility.install(new SttServer(config(), () -> {
            release.await(60, TimeUnit.SECONDS);
            throw new IllegalStateException("this test's model never loads");
        }), OpenAiOptions.DEFAULTS).start();
        servers.add(server);
        WebDriver d = browser(true);
        d.get("http://127.0.0.1:" + server.port() + "/");
        waitFor(d, "server-status", "still loading model");
        d.findElement(By.cssSelector("[data-testid='mic-start']")).click();
        waitFor(d, "status", "still loading model");
        assertTrue(d.findElement(By.cssSelector("[data-testid='mic-start']")).isEnabled());
        release.countDown();
        waitFor(d, "server-status", "could not load its model: this test's model never loads");
        d.findElement(By.cssSelector("[data-testid='file-input']")).sendKeys(TestData.jfkWav().toString());
        waitFor(d, "file-status", "The server cannot transcribe right now: Server models not initialized.");
    }

    /**
     * The server will stream uploads as SSE ({@code stream=true}: {@code transcript.text.delta} then
     * {@code .done}); a stand-in route streams three deltas so the page's reader is tried before that lands.
     */
    @Test
    void aStreamedTranscriptionIsShownAsItArrives() throws Exception {
        String srt = "1\n00:00:00,000 --> 00:00:02,000\nHello streamed world.\n\n";
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        SttServer server = new SttServer(config(), () -> {
            throw new IllegalStateException("no model: the route below stands in for it");
        }).route("/v1/audio/transcriptions", (s, ctx, req) -> {
            String form = req.content().toString(StandardCharsets.UTF_8);
            boolean wantsSrt = form.contains("name=\"response_format\"\r\n\r\nsrt");
            asked.add((wantsSrt ? "srt" : "verbose_json") + (form.contains("name=\"stream\"\r\n\r\ntrue") ? " stream" : ""));
            if (wantsSrt) {
                HttpResponses.send(ctx, req, HttpResponseStatus.OK, "application/x-subrip", srt);
                return;
            }
            DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            HttpUtil.setTransferEncodingChunked(res, true);
            ctx.writeAndFlush(res);
            String[] events = {
                    "{\"type\":\"transcript.text.delta\",\"delta\":\"Hello\"}",
                    "{\"type\":\"transcript.text.delta\",\"delta\":\" streamed\"}",
                    "{\"type\":\"transcript.text.delta\",\"delta\":\" world.\"}",
                    "{\"type\":\"transcript.text.done\",\"text\":\"Hello streamed world.\"}"};
            for (int i = 0; i < events.length; i++) {
                String event = "data: " + events[i] + "\n\n";
                boolean last = i == events.length - 1;
                ctx.executor().schedule(() -> {
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.UTF_8)));
                    if (last) {
                        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                    }
                }, 600L * (i + 1), TimeUnit.MILLISECONDS);
            }
        }).start();
        servers.add(server);
        Path downloads = Files.createDirectories(Path.of("target", "browser-downloads-stream").toAbsolutePath());
        Files.deleteIfExists(downloads.resolve("jfk.srt"));
        WebDriver d = browser(true, downloads);
        d.get("http://127.0.0.1:" + server.port() + "/");
        d.findElement(By.cssSelector("[data-testid='file-input']")).sendKeys(TestData.jfkWav().toString());
        List<String> seen = new ArrayList<>();
        new WebDriverWait(d, Duration.ofSeconds(20), Duration.ofMillis(50)).withMessage(() -> "file text '" + text(d, "file-text") + "'")
                .until(x -> {
                    String t = text(d, "file-text");
                    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(t)) {
                        seen.add(t);
                    }
                    return text(d, "file-status").contains("transcribed");
                });
        log.info("streamed file text, as it grew: {}", seen);
        assertEquals("Hello streamed world.", text(d, "file-text"));
        assertTrue(seen.contains("Hello") || seen.contains("Hello streamed"), "the text did not grow as it arrived: " + seen);
        d.findElement(By.cssSelector("[data-testid='download-srt']")).click();
        Path file = downloads.resolve("jfk.srt");
        new WebDriverWait(d, Duration.ofSeconds(20)).withMessage(() -> "no " + file + "; asked " + asked).until(x -> Files.isRegularFile(file));
        assertEquals(srt, Files.readString(file));
        assertEquals(List.of("verbose_json stream", "srt"), asked);
    }

    @Test
    void aKeyADeniedMicrophoneAndALostConnectionAreSaidSo() throws Exception {
        ServerConfig c = config();
        SttServer server = OpenAiCompatibility.install(new SttServer(c, SttServer.defaultLoader(c)),
                new OpenAiOptions(KEY, null, null, 500)).start();
        servers.add(server);
        server.models().loaded().get(120, TimeUnit.SECONDS);
        String page = "http://127.0.0.1:" + server.port() + "/";

        WebDriver denied = browser(false);
        denied.get(page);
        waitFor(denied, "server-status", "Server ready");
        denied.findElement(By.cssSelector("[data-testid='mic-start']")).click();
        waitFor(denied, "status", "Microphone access was denied");

        WebDriver d = browser(true);
        d.get(page);
        waitFor(d, "server-status", "Server ready");
        d.findElement(By.cssSelector("[data-testid='mic-start']")).click();
        waitFor(d, "status", "This server requires an API key: enter it above.");
        d.findElement(By.cssSelector("[data-testid='api-key']")).sendKeys("wrong");
        d.findElement(By.cssSelector("[data-testid='mic-start']")).click();
        waitFor(d, "status", "The server refused this API key.");
        d.findElement(By.cssSelector("[data-testid='file-input']")).sendKeys(TestData.jfkWav().toString());
        waitFor(d, "file-status", "The server refused this API key.");

        d.findElement(By.cssSelector("[data-testid='api-key']")).clear();
        d.findElement(By.cssSelector("[data-testid='api-key']")).sendKeys(KEY);
        d.findElement(By.cssSelector("[data-testid='mic-start']")).click();
        waitFor(d, "status", "Listening");
        Thread stopper = new Thread(server::shutdown, "test-shutdown");
        stopper.start();
        waitFor(d, "status", "The server is shutting down");
        waitFor(d, "server-status", "Cannot reach the server");
        stopper.join(60_000);
        assertTrue(d.findElement(By.cssSelector("[data-testid='mic-start']")).isEnabled());
    }
}
