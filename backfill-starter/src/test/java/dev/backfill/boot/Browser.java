package dev.backfill.boot;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import com.jayway.jsonpath.JsonPath;

import static org.assertj.core.api.Assertions.fail;

/**
 * A headless Chromium driven over the DevTools protocol, with nothing but the JDK's
 * WebSocket client: opens pages with HTTP Basic credentials, reads them with JavaScript,
 * submits their forms as a click does, and takes screenshots.
 */
final class Browser implements AutoCloseable {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final Process process;

	private final Path log;

	private final WebSocket socket;

	private final AtomicInteger ids = new AtomicInteger();

	private final Map<Integer, CompletableFuture<String>> replies = new ConcurrentHashMap<>();

	private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

	private Browser(Process process, Path log, String target) throws Exception {
		this.process = process;
		this.log = log;
		this.socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.buildAsync(URI.create(target), new Listener())
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		call("Page.enable", "{}");
		call("Network.enable", "{}");
		call("Emulation.setDeviceMetricsOverride",
				"{\"width\": 1000, \"height\": 700, \"deviceScaleFactor\": 1, \"mobile\": false}");
	}

	static Browser start(String chromium) throws Exception {
		Path directory = Files.createTempDirectory("backfill-page");
		Path profile = directory.resolve("profile");
		Path log = directory.resolve("chromium.log");
		Process process = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu",
				"--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1000,700", "--remote-debugging-port=0",
				"--user-data-dir=" + profile, "about:blank")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		// Chromium writes the port it listens on into the profile
		Path port = profile.resolve("DevToolsActivePort");
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!Files.isRegularFile(port) || Files.readAllLines(port).size() < 2) {
			if (!process.isAlive() || System.nanoTime() > deadline) {
				process.destroyForcibly();
				fail("Chromium did not open its DevTools port:%n%s", Files.readString(log));
			}
			Thread.sleep(50);
		}
		String list = HttpClient.newHttpClient()
			.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + Files.readAllLines(port).get(0) + "/json/list"))
				.build(), HttpResponse.BodyHandlers.ofString())
			.body();
		List<String> pages = JsonPath.read(list, "$[?(@.type == 'page')].webSocketDebuggerUrl");
		return new Browser(process, log, pages.get(0));
	}

	/** Sends HTTP Basic credentials with every request from now on. */
	void authenticate(String user, String password) {
		String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
		call("Network.setExtraHTTPHeaders", "{\"headers\": {\"Authorization\": " + quote("Basic " + basic) + "}}");
	}

	/** Opens a page and waits for it to load. */
	void open(String url) {
		this.events.clear();
		call("Page.navigate", "{\"url\": " + quote(url) + "}");
		awaitLoad();
	}

	/**
	 * Clicks the element an expression finds, such as a form's button, and waits for the
	 * page that follows to load.
	 */
	void click(String element) {
		this.events.clear();
		evaluate("(" + element + ").click()");
		awaitLoad();
	}

	/** The value of a JavaScript expression on the page. */
	<T> T evaluate(String expression) {
		String reply = call("Runtime.evaluate", "{\"expression\": " + quote(expression) + ", \"returnByValue\": true}");
		if (JsonPath.<Map<String, Object>>read(reply, "$.result").containsKey("exceptionDetails")) {
			fail("%s threw on the page: %s", expression, reply);
		}
		// undefined, as a click gives, has no value
		@SuppressWarnings("unchecked")
		T value = (T) JsonPath.<Map<String, Object>>read(reply, "$.result.result").get("value");
		return value;
	}

	BufferedImage screenshot() throws IOException {
		String data = JsonPath.read(call("Page.captureScreenshot", "{\"format\": \"png\"}"), "$.result.data");
		return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(data)));
	}

	private void awaitLoad() {
		long deadline = System.nanoTime() + WAIT.toNanos();
		try {
			for (String event = this.events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS); event != null
					&& System.nanoTime() < deadline; event = this.events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				if ("Page.loadEventFired".equals(JsonPath.read(event, "$.method"))) {
					return;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		fail("The page did not load within %s", WAIT);
	}

	private String call(String method, String params) {
		int id = this.ids.incrementAndGet();
		CompletableFuture<String> reply = new CompletableFuture<>();
		this.replies.put(id, reply);
		this.socket.sendText("{\"id\": " + id + ", \"method\": " + quote(method) + ", \"params\": " + params + "}",
				true);
		try {
			String answer = reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			if (JsonPath.<Map<String, Object>>read(answer, "$").containsKey("error")) {
				fail("%s failed: %s", method, answer);
			}
			return answer;
		}
		catch (Exception ex) {
			return fail("No answer to %s within %s: %s%n%s", method, WAIT, ex, chromiumLog());
		}
	}

	private String chromiumLog() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	private static String quote(String text) {
		StringBuilder json = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				default -> json.append((c < 0x20) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
			}
		}
		return json.append('"').toString();
	}

	@Override
	public void close() throws Exception {
		this.socket.abort();
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

	// one message may come in several frames
	private final class Listener implements WebSocket.Listener {

		private final StringBuilder message = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
			this.message.append(data);
			if (last) {
				String text = this.message.toString();
				this.message.setLength(0);
				Map<String, Object> json = JsonPath.read(text, "$");
				if (json.containsKey("id")) {
					CompletableFuture<String> reply = Browser.this.replies.remove(((Number) json.get("id")).intValue());
					if (reply != null) {
						reply.complete(text);
					}
				}
				else {
					Browser.this.events.add(text);
				}
			}
			socket.request(1);
			return null;
		}

	}

}
