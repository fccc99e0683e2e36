package dev.stt.server.openai;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's Chromium under chromedriver for the page's browser tests: headless, offline-safe flags, a fresh
 * profile, a fake microphone playing a WAV, browser console logs kept. The driver's path is given, so
 * Selenium Manager never runs (it would try the network). A missing browser fails the test, never skips it.
 */
final class Chromium {

    static final Path BINARY = Path.of(System.getenv().getOrDefault("STT_CHROMIUM", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getenv().getOrDefault("STT_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private Chromium() {
    }

    static void require() {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            fail("the browser tests need Chromium and ChromeDriver: " + BINARY + (Files.isExecutable(BINARY) ? " found" : " missing")
                    + ", " + DRIVER + (Files.isExecutable(DRIVER) ? " found" : " missing")
                    + ". Install them with `apt-get install -y chromium chromium-driver` (.ci/run does), or set STT_CHROMIUM / STT_CHROMEDRIVER.");
        }
    }

    /**
     * @param microphone the WAV the fake microphone plays (looped)
     * @param allowMic   false: the site's microphone permission is blocked, as when a person says no
     * @param downloads  where downloads land, or null
     */
    static ChromeDriver start(Path microphone, boolean allowMic, Path downloads) throws IOException {
        require();
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        Path profile = Files.createTempDirectory(target, "chromium-profile-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1024,880",
                "--use-fake-device-for-media-stream", "--use-file-for-fake-audio-capture=" + microphone.toAbsolutePath(),
                "--autoplay-policy=no-user-gesture-required");
        Map<String, Object> prefs = new HashMap<>();
        if (allowMic) {
            options.addArguments("--use-fake-ui-for-media-stream");
        } else {
            prefs.put("profile.default_content_setting_values.media_stream_mic", 2);
        }
        if (downloads != null) {
            prefs.put("download.default_directory", downloads.toString());
            prefs.put("download.prompt_for_download", false);
        }
        options.setExperimentalOption("prefs", prefs);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().withLogFile(target.resolve("chromedriver.log").toFile()).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1024, 880));
        return driver;
    }
}
