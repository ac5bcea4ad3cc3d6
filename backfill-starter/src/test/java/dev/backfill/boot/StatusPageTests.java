package dev.backfill.boot;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import dev.backfill.Backfill;
import dev.backfill.boot.WebApp.Response;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The status page, served on a real port and drawn by a headless Chromium. Without one on
 * the PATH the drawing test is skipped, saying why, unless
 * {@code BACKFILL_TEST_REQUIRE_BROWSER=true} (CI sets it), which makes it fail.
 */
class StatusPageTests extends DatabaseTest {

	// the page's progress bar: its fill, and the track it fills
	private static final int BAR_FILL = 0x1971c2;

	private static final int BAR_TRACK = 0xdee2e6;

	private static final String REQUIRE_BROWSER = "BACKFILL_TEST_REQUIRE_BROWSER";

	private static WebApp app;

	@BeforeAll
	static void startApplication() {
		jdbc.sql("""
				CREATE TABLE page_accounts (id bigint PRIMARY KEY, seen boolean NOT NULL DEFAULT false);
				INSERT INTO page_accounts (id) SELECT g FROM generate_series(1, 3000) g;
				ANALYZE page_accounts""").update();
		app = WebApp.start(dataSource, Backfills.class, WebApp.WITHOUT_SECURITY, "backfill.web.enabled=true",
				"backfill.web.allow-unsecured-actions=true", "backfill.web.path=/ops/backfills");
	}

	@AfterAll
	static void stopApplication() {
		app.close();
	}

	@Test
	void pageIsHtmlThatRefreshesItselfAtTheConfiguredPath() {
		Response page = app.get("/ops/backfills");
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.contentType()).startsWith("text/html").contains("UTF-8");
		assertThat(page.body()).contains("<meta http-equiv=\"refresh\" content=\"5\">")
			.contains("page-accounts")
			.contains("role=\"progressbar\"");
		assertThat(app.get("/backfills").status()).isEqualTo(404);
	}

	@Test
	void progressBarOfARunStoppedMidwayIsFilledAsFarAsTheDatabaseSays() throws Exception {
		String chromium = chromium();
		String backfill = "/actuator/backfills/page-accounts";
		assertThat(app.post(backfill, "{\"action\": \"start\"}").status()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'page-accounts'") >= 8);
		assertThat(app.post(backfill, "{\"action\": \"stop\"}").status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> app.get(backfill).<String>json("$.backfill.state"), "STOPPED"::equals);
		double expected = 100.0 * count("SELECT count(*) FROM page_accounts WHERE seen")
				/ count("SELECT count(*) FROM page_accounts");
		assertThat(expected).as("stopped midway").isBetween(10.0, 90.0);

		BufferedImage screenshot = screenshot(chromium, app.url("/ops/backfills"));
		assertThat(filledPercent(screenshot)).as("bar filled, against %.1f%% of rows done", expected)
			.isCloseTo(expected, within(3.0));
	}

	// the share of the bar's widest row that has the fill colour, in percent
	private static double filledPercent(BufferedImage image) {
		int fill = 0;
		int track = 0;
		for (int y = 0; y < image.getHeight(); y++) {
			int rowFill = 0;
			int rowTrack = 0;
			for (int x = 0; x < image.getWidth(); x++) {
				int rgb = image.getRGB(x, y) & 0xffffff;
				rowFill += (rgb == BAR_FILL) ? 1 : 0;
				rowTrack += (rgb == BAR_TRACK) ? 1 : 0;
			}
			if (rowFill > 0 && rowFill + rowTrack > fill + track) {
				fill = rowFill;
				track = rowTrack;
			}
		}
		if (fill == 0) {
			fail("No progress bar in the screenshot: no pixel has the fill colour #%06x", BAR_FILL);
		}
		return 100.0 * fill / (fill + track);
	}

	private static BufferedImage screenshot(String chromium, String url) throws Exception {
		Path directory = Files.createTempDirectory("backfill-page");
		File png = directory.resolve("page.png").toFile();
		Path log = directory.resolve("chromium.log");
		Process process = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu",
				"--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1000,700",
				"--user-data-dir=" + directory.resolve("profile"), "--screenshot=" + png, url)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			fail("Chromium took over 60 s to take a screenshot of %s:%n%s", url, Files.readString(log));
		}
		if (!png.isFile()) {
			fail("Chromium exited with %d and no screenshot of %s:%n%s", process.exitValue(), url,
					Files.readString(log));
		}
		return ImageIO.read(png);
	}

	// CI installs it (.ci/run) and requires it, so that the page's only real check cannot
	// be skipped there; a machine with only a JDK skips it, saying why
	private static String chromium() {
		Optional<String> found = Stream
			.of(Objects.requireNonNullElse(System.getenv("PATH"), "").split(File.pathSeparator))
			.filter((dir) -> !dir.isEmpty())
			.flatMap((dir) -> Stream.of("chromium", "chromium-browser", "google-chrome")
				.map((name) -> Path.of(dir, name)))
			.filter(Files::isExecutable)
			.findFirst()
			.map(Path::toString);
		if (found.isPresent()) {
			return found.get();
		}
		String missing = "This test draws the status page in a headless Chromium, and none is on the PATH (chromium, "
				+ "chromium-browser or google-chrome). Install it: apt-get install -y chromium";
		if ("true".equalsIgnoreCase(System.getenv(REQUIRE_BROWSER))) {
			return fail("%s. %s=true requires it.", missing, REQUIRE_BROWSER);
		}
		String skipped = missing + ". Skipped; with " + REQUIRE_BROWSER + "=true it fails instead.";
		// Surefire's console counts skipped tests without their reason
		System.err.println("StatusPageTests: " + skipped);
		return Assumptions.abort(skipped);
	}

	@Configuration(proxyBeanMethods = false)
	static class Backfills {

		// 30 batches of about 0.05 s, stopped after the 8th
		@Bean
		static Backfill pageAccounts() {
			return Backfill.sql("page-accounts")
				.table("page_accounts")
				.key("id")
				.pending("NOT seen")
				.update("WITH pause AS (SELECT pg_sleep(0.05)) UPDATE page_accounts SET seen = true FROM pause "
						+ "WHERE id > :from AND id <= :to AND NOT seen")
				.rollback("UPDATE page_accounts SET seen = false WHERE id > :from AND id <= :to")
				.batchSize(100)
				.build();
		}

	}

}
