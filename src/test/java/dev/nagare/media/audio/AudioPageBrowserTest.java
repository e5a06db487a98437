package dev.nagare.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nagare.server.Setting;
import dev.nagare.testing.Browser;
import dev.nagare.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/** Chromium's <audio> plays the WAV stream (its clock advances), unlike the guide's multipart. */
class AudioPageBrowserTest {
    static final String PASSWORD = "river stone lantern";

    @RegisterExtension
    static final TestServer server = new TestServer(Map.of(Setting.ADMIN_PASSWORD, PASSWORD));

    @RegisterExtension
    static final Browser browser = new Browser();

    /** Logs the browser in once (the session cookie stays for the other tests) and opens /audio. */
    private static void openAudioPage() {
        var d = browser.driver();
        d.get(server.baseUrl() + "/audio");
        if (d.getCurrentUrl().contains("/login?next=%2Faudio")) { // not logged in: sent to the form, as by every page
            browser.logIn(server.baseUrl(), "admin", PASSWORD, "/audio");
        }
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> "true".equals(x.findElement(By.tagName("html")).getDomAttribute("data-ready")));
    }

    @Test
    void theAudioElementPlaysTheStream() {
        var d = browser.driver();
        openAudioPage();
        JavascriptExecutor js = (JavascriptExecutor) d;
        js.executeScript("document.querySelector('audio[data-stream=default]').play()");
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> ((Number) js.executeScript(
                "return document.querySelector('audio[data-stream=default]').currentTime")).doubleValue() > 1.0);
        assertThat(js.executeScript("return document.querySelector('audio[data-stream=default]').error")).isNull();
        // The same player switched to Ogg/Opus plays too.
        js.executeScript("const a = document.querySelector('audio[data-stream=default]'); a.pause();"
                + " const s = a.parentElement.querySelector('select'); s.value = 'ogg'; s.dispatchEvent(new Event('change'));");
        browser.waitUpTo(Duration.ofSeconds(5)).until(x -> ((String) js.executeScript(
                "return document.querySelector('audio[data-stream=default]').src")).endsWith("/audio/default.ogg"));
        js.executeScript("document.querySelector('audio[data-stream=default]').play()");
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> ((Number) js.executeScript(
                "return document.querySelector('audio[data-stream=default]').currentTime")).doubleValue() > 1.0);
        assertThat(js.executeScript("return document.querySelector('audio[data-stream=default]').error")).isNull();
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void theLowLatencyPathPlaysThroughAnAudioWorkletAndReportsItsLatency() {
        var d = browser.driver();
        openAudioPage();
        d.findElement(By.cssSelector("li[data-stream='default'] button.low-latency")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x ->
                x.findElement(By.cssSelector("li[data-stream='default'] .latency")).getDomAttribute("data-latency-ms") != null);
        int latency = Integer.parseInt(d.findElement(By.cssSelector("li[data-stream='default'] .latency"))
                .getDomAttribute("data-latency-ms"));
        // Loopback: the jitter buffer (about 60 ms) and the device dominate; far below a WAV player's seconds.
        assertThat(latency).isBetween(1, 1000);
        System.out.println("Low-latency audio path in headless Chromium: " + d.findElement(
                By.cssSelector("li[data-stream='default'] .latency")).getText());
        assertThat(d.findElement(By.cssSelector("li[data-stream='default'] .latency")).getText()).startsWith("latency ");
        JavascriptExecutor js = (JavascriptExecutor) d;
        browser.waitUpTo(Duration.ofSeconds(5)).until(x -> ((Number) js.executeScript(
                "return document.querySelectorAll('li[data-stream=default] meter')[1].value")).doubleValue() > 0.01);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void theBrowsersMicrophoneIsPublishedAsAStreamOthersCanHear() throws Exception {
        var d = browser.driver();
        openAudioPage();
        d.get(server.baseUrl() + "/audio/publish");
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> "true".equals(x.findElement(By.tagName("html")).getDomAttribute("data-ready")));
        d.findElement(By.id("stream")).clear();
        d.findElement(By.id("stream")).sendKeys("fakemic");
        d.findElement(By.id("noise")).click(); // noise suppression off: the switches reach getUserMedia
        d.findElement(By.id("start")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("status")).getText().startsWith("Publishing"));
        assertThat(d.findElement(By.id("status")).getText()).contains("noise suppression off", "echo cancellation on");
        // The capture worklet runs: its level meter moves.
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> ((Number) ((JavascriptExecutor) x).executeScript(
                "return document.getElementById('level').value")).doubleValue() > 0);
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("sent")).getText().endsWith("s sent"));
        // Chromium's fake microphone beeps: a listener of the new stream hears more than silence.
        var admin = server.nagare().accounts().find("admin").await().orElseThrow();
        String token = server.nagare().tokens().create(admin, "t", java.util.Set.of(), java.time.Duration.ofHours(1)).await().secret();
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        // Closed in finally, which keeps it reachable: Vert.x closes a client once it is garbage ("Client is closed").
        io.vertx.core.http.WebSocketClient client = vertx.createWebSocketClient();
        try {
            java.net.URI base = java.net.URI.create(server.baseUrl());
            java.util.concurrent.LinkedBlockingQueue<io.vertx.core.buffer.Buffer> frames = new java.util.concurrent.LinkedBlockingQueue<>();
            client.webSocket().binaryMessageHandler(frames::add).textMessageHandler(t -> { })
                    .connect(new io.vertx.core.http.WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort())
                            .setURI("/audio/fakemic/ws").addHeader("Authorization", "Bearer " + token))
                    .await(10, java.util.concurrent.TimeUnit.SECONDS);
            int peak = 0;
            for (int i = 0; i < 150 && peak < 2000; i++) { // up to 3 s of 20 ms frames
                io.vertx.core.buffer.Buffer f = frames.poll(5, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(f).as("frame %d from the published microphone", i).isNotNull();
                for (int k = 8; k + 1 < f.length(); k += 2) {
                    peak = Math.max(peak, Math.abs(f.getShortLE(k)));
                }
            }
            assertThat(peak).isGreaterThanOrEqualTo(2000);
        } finally {
            client.close();
            vertx.close();
        }
        d.findElement(By.id("stop")).click();
        browser.waitUpTo(Duration.ofSeconds(10)).until(x -> x.findElement(By.id("status")).getText().equals("Stopped."));
    }
}
