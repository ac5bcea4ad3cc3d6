package dev.backfill.boot.web;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.backfill.boot.report.BackfillReport;
import dev.backfill.boot.report.Formats;
import org.jspecify.annotations.Nullable;

import static dev.backfill.boot.web.BackfillStatusPage.escape;
import static dev.backfill.boot.web.BackfillStatusPage.number;

/**
 * The head of a backfill's section: its progress bar, rows, both rates, ETA, when its
 * latest execution started and ended, who runs it, and its latest dry-run and verify.
 */
final class Summary implements Section {

	private static final Pattern OWNER_SINCE = Pattern.compile("(.+) since (\\S+)");

	@Override
	public void render(StringBuilder html, BackfillView backfill, PageContext page) {
		BackfillReport r = backfill.report();
		String percent = number("%.1f", r.percentDone());
		html.append("<div class=\"bar\" role=\"progressbar\" aria-valuenow=\"")
			.append(percent)
			.append("\" aria-valuemin=\"0\" aria-valuemax=\"100\"><div class=\"fill\" style=\"width: ")
			.append(percent)
			.append("%\"></div></div>\n");
		html.append("<p>")
			.append(percent)
			.append("% &middot; ")
			.append(number("%,d", r.rowsDone()))
			.append(" rows done, ~")
			.append(number("%,d", r.rowsRemainingEstimate()))
			.append(" to go &middot; ETA ")
			.append(Formats.span(Locale.ROOT, r.etaSeconds()))
			.append(" &middot; ")
			.append(number("%,d", r.batches()))
			.append(" batches</p>\n");
		if (r.startedAt() != null) {
			rates(html, r);
			times(html, r.startedAt(), r, page);
		}
		if (r.owner() != null) {
			html.append("<p class=\"muted\">")
				.append(r.state().equals("RUNNING") || r.state().equals("PAUSED") ? "Running on " : "Last run on ")
				.append(owner(r.owner(), page))
				.append("</p>\n");
		}
		// a stopped run's exit message only says it was interrupted
		if (r.exitMessage() != null && (r.state().equals("FAILED") || r.state().equals("DEAD"))) {
			html.append("<p>").append(escape(r.exitMessage())).append("</p>\n");
		}
		html.append("<p>Last dry-run: ").append(dryRun(r.lastDryRun(), page)).append("</p>\n");
		html.append("<p>Last verify: ").append(verify(r.lastVerify(), page)).append("</p>\n");
		if (r.readiness() != null) {
			// what 'backfill check' says: whether the migration's contract step may run
			html.append("<p data-ready=\"")
				.append(r.readiness().ready())
				.append("\">Contract step: <b>")
				.append(r.readiness().ready() ? "may run" : "not yet")
				.append("</b>, ")
				.append(verdict(r.readiness().verdict()))
				.append("</p>\n");
		}
	}

	// the verdict in a person's words; the reason's instants are for the command line
	private static String verdict(String verdict) {
		return switch (verdict) {
			case "READY" -> "its run completed and a verify after it passed";
			case "NEVER_RUN" -> "it never ran";
			case "RUNNING" -> "it is running";
			case "UNFINISHED" -> "its latest run did not finish";
			case "ROLLED_BACK" -> "it was rolled back, or a rollback is under way";
			case "NOT_VERIFIED" -> "no verify passed since its run";
			case "DISCREPANCIES" -> "its verify found discrepancies";
			default -> escape(verdict);
		};
	}

	// two rates that differ by the throttles' holds: each says which it is
	private static void rates(StringBuilder html, BackfillReport r) {
		html.append("<p class=\"rates\"><span data-rate=\"effective\"><b>Effective rate ")
			.append(number("%,.0f", r.effectiveRowsPerSecond()))
			.append(" rows/s</b> (rows done over the run's wall time, throttle holds included)</span>")
			.append(" &middot; <span data-rate=\"working\">working rate ")
			.append(number("%,.0f", r.rowsPerSecond()))
			.append(" rows/s (recent batches, holds left out)</span>");
		if (r.throttledSeconds() > 0) {
			html.append(" &middot; held by throttles ")
				.append(Formats.span(Locale.ROOT, r.throttledSeconds()))
				.append(" of ")
				.append(Formats.span(Locale.ROOT, r.runSeconds()));
		}
		html.append("</p>\n");
	}

	private static void times(StringBuilder html, Instant started, BackfillReport r, PageContext page) {
		html.append("<p class=\"times\">Started ").append(when(started, page));
		Instant ended = r.endedAt();
		if (ended != null) {
			html.append(" &middot; ended ")
				.append(Formats.clock(Locale.ROOT, ended, page.now(), page.zone()))
				.append(" (")
				.append(Formats.span(Locale.ROOT, seconds(started, ended)))
				.append(")");
		}
		else if (r.state().equals("RUNNING") || r.state().equals("PAUSED")) {
			html.append(" &middot; running for ").append(Formats.span(Locale.ROOT, seconds(started, page.now())));
		}
		html.append("</p>\n");
	}

	// the owner as the job repository keeps it, "host-1 pid 4242 since
	// 2026-11-25T17:27:15.2Z",
	// with its time as the page writes times
	static String owner(String owner, PageContext page) {
		Matcher since = OWNER_SINCE.matcher(owner);
		if (since.matches()) {
			try {
				return escape(since.group(1)) + ", since " + when(Instant.parse(since.group(2)), page);
			}
			catch (DateTimeParseException ex) {
				// not a time: as it is
			}
		}
		return escape(owner);
	}

	// "14:02, 3 min ago"
	static String when(Instant at, PageContext page) {
		return Formats.clock(Locale.ROOT, at, page.now(), page.zone()) + ", "
				+ Formats.ago(Locale.ROOT, at, page.now());
	}

	static double seconds(Instant from, Instant to) {
		return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
	}

	private static String dryRun(BackfillReport.@Nullable DryRunSummary d, PageContext page) {
		if (d == null) {
			return "none";
		}
		String idempotent = (d.idempotent() == null) ? "idempotency not checked"
				: d.idempotent() ? "idempotent" : "NOT IDEMPOTENT";
		return when(d.at(), page) + ": ~" + Formats.span(Locale.ROOT, d.estimatedSeconds()) + " ("
				+ Formats.span(Locale.ROOT, d.estimatedSecondsLow()) + " to "
				+ Formats.span(Locale.ROOT, d.estimatedSecondsHigh()) + ") at batch size " + (d.adaptive() ? "~" : "")
				+ number("%,d", d.batchSize()) + ", longest batch " + number("%,d", d.maxBatchMillis()) + " ms, "
				+ idempotent + ((d.estimateError() != null)
						? ", estimate " + number("%+.0f", 100 * d.estimateError()) + "% off the run" : "");
	}

	private static String verify(BackfillReport.@Nullable VerifySummary v, PageContext page) {
		if (v == null) {
			return "none";
		}
		return when(v.at(), page) + ": " + number("%,d", v.keysChecked()) + " keys checked, "
				+ (v.passed() ? "no discrepancy" : number("%,d", v.discrepancies()) + " discrepancies, first keys "
						+ escape(String.join(", ", v.firstKeys())));
	}

}
