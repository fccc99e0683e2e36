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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the page tells a person when things go wrong, in Chromium: a server still loading (then failing to
 * load), a missing or refused API key, a denied microphone, a connection lost when the server shuts down.
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
        WebDriver d = Chromium.start(TestData.jfkWav(), allowMic, null);
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
