package dev.backfill.boot.web;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import dev.backfill.BatchSummary;
import dev.backfill.boot.report.BackfillReport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackfillStatusPageTests {

	private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");

	@Test
	void everyValueIsEscaped() {
		BackfillReport report = new BackfillReport("orders", "FAILED", 12.5, 125, 875, 10, 90, 2, 100, "<b>key</b>", 7L,
				AT, AT, "host <script>alert(1)</script>", "ERROR: value \"<img src=x>\" & more", 12.5, 0, null,
				new BackfillReport.VerifySummary(8, AT, 10, 1, false, true, List.of("<k>")),
				List.of(new BatchSummary(1, "<from>", false, "<to>", 5, 12, AT)));
		String html = BackfillStatusPage.render(List.of(report), AT);
		assertThat(html).doesNotContain("<script>")
			.doesNotContain("<img")
			.doesNotContain("<k>")
			.contains("host &lt;script&gt;alert(1)&lt;/script&gt;")
			.contains("ERROR: value &quot;&lt;img src=x&gt;&quot; &amp; more")
			.contains("first keys &lt;k&gt;");
	}

	@Test
	void progressBarWidthIsCssWhateverTheDefaultLocale() {
		Locale locale = Locale.getDefault();
		Locale.setDefault(Locale.GERMANY);
		try {
			BackfillReport report = new BackfillReport("orders", "RUNNING", 12.5, 125, 875, 1234.5, 90, 2, 100, "250",
					7L, AT, null, null, null, 1.2, 0, null, null, List.of());
			assertThat(BackfillStatusPage.render(List.of(report), AT)).contains("style=\"width: 12.5%\"")
				.contains("1,235 rows/s")
				.contains("No batch committed yet.");
		}
		finally {
			Locale.setDefault(locale);
		}
	}

	@Test
	void dryRunTimesReadAsOnEveryPageWhateverTheDefaultLocale() {
		Locale locale = Locale.getDefault();
		Locale.setDefault(Locale.GERMANY);
		try {
			BackfillReport report = new BackfillReport("orders", "NEVER_RUN", 0, 0, 1000, 0, 0, 0, 0, null, null, null,
					null, null, null, 0, 0,
					new BackfillReport.DryRunSummary(3, AT, 100, false, 1000, 10, 12.5, 10.4, 75.5, 40, true, null),
					null, List.of());
			assertThat(BackfillStatusPage.render(List.of(report), AT)).contains("~12.5 s (10.4 s to 1:16)");
		}
		finally {
			Locale.setDefault(locale);
		}
	}

}
