package dev.backfill.boot.report;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FormatsTests {

	private static final Instant NOW = Instant.parse("2026-11-25T13:30:00Z");

	@Test
	void spanIsItsTwoLargestUnits() {
		assertThat(Formats.span(Locale.ROOT, 12.54)).isEqualTo("12.5 s");
		assertThat(Formats.span(Locale.ROOT, 200)).isEqualTo("3 min 20 s");
		assertThat(Formats.span(Locale.ROOT, 18 * 60 + 0.9)).isEqualTo("18 min");
		assertThat(Formats.span(Locale.ROOT, 3600 + 5 * 60 + 59)).isEqualTo("1 h 5 min");
		assertThat(Formats.span(Locale.ROOT, 2 * 86_400 + 3 * 3600 + 1)).isEqualTo("2 d 3 h");
		assertThat(Formats.span(Locale.GERMANY, 12.5)).isEqualTo("12,5 s");
	}

	@Test
	void agoIsItsLargestUnit() {
		assertThat(Formats.ago(Locale.ROOT, NOW.minusMillis(400), NOW)).isEqualTo("just now");
		assertThat(Formats.ago(Locale.ROOT, NOW.plusSeconds(3), NOW)).isEqualTo("just now");
		assertThat(Formats.ago(Locale.ROOT, NOW.minusSeconds(42), NOW)).isEqualTo("42 s ago");
		assertThat(Formats.ago(Locale.ROOT, NOW.minusSeconds(200), NOW)).isEqualTo("3 min ago");
		assertThat(Formats.ago(Locale.ROOT, NOW.minusSeconds(7300), NOW)).isEqualTo("2 h ago");
		assertThat(Formats.ago(Locale.ROOT, NOW.minusSeconds(5 * 86_400), NOW)).isEqualTo("5 d ago");
	}

	@Test
	void clockIsTheTimeOfDayInTheZoneWithTheDateOnAnotherDay() {
		ZoneId berlin = ZoneId.of("Europe/Berlin");
		assertThat(Formats.clock(Locale.ROOT, Instant.parse("2026-11-25T13:02:59.123456789Z"), NOW, berlin))
			.isEqualTo("14:02");
		assertThat(Formats.clock(Locale.ROOT, Instant.parse("2026-11-24T13:02:00Z"), NOW, berlin))
			.isEqualTo("2026-11-24 14:02");
		assertThat(Formats.clock(Locale.ROOT, Instant.parse("2026-11-25T13:02:00Z"), NOW, ZoneId.of("UTC")))
			.isEqualTo("13:02");
	}

}
