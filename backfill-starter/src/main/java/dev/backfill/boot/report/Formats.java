package dev.backfill.boot.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import dev.backfill.BackfillState;

/**
 * How the command line, the status page and the JSON views write numbers, times and
 * states.
 *
 * @since 0.1.0
 */
public final class Formats {

	private static final List<String> BYTE_UNITS = List.of("B", "kB", "MB", "GB", "TB");

	private static final List<String> SPAN_UNITS = List.of("d", "h", "min", "s");

	private Formats() {
	}

	/**
	 * @param value a rate or a share
	 * @return it rounded to a tenth, as the JSON views give rates and percentages
	 */
	public static double tenths(double value) {
		return Math.round(value * 10) / 10.0;
	}

	/**
	 * @param value seconds or a ratio
	 * @return it rounded to a thousandth, as the JSON views give seconds and ratios
	 */
	public static double thousandths(double value) {
		return Math.round(value * 1000) / 1000.0;
	}

	/**
	 * @param seconds a duration in seconds
	 * @return it in words: {@code 12.5 s} under a minute, {@link #duration} from one
	 */
	public static String seconds(double seconds) {
		return seconds(Locale.getDefault(Locale.Category.FORMAT), seconds);
	}

	/**
	 * @param locale how the digits and the decimal separator are written, such as
	 * {@link Locale#ROOT} where markup must read {@code 12.5}
	 * @param seconds a duration in seconds
	 * @return it in words, as {@link #seconds(double)} writes it
	 */
	public static String seconds(Locale locale, double seconds) {
		return (seconds < 60) ? String.format(locale, "%.1f s", seconds) : duration(locale, Math.round(seconds));
	}

	/**
	 * @param wallTime how long a run or rollback took
	 * @return it in seconds to a tenth, such as {@code 75.3 s}
	 */
	public static String wallTime(Duration wallTime) {
		return String.format("%.1f s", wallTime.toMillis() / 1000.0);
	}

	/**
	 * @param seconds a duration in whole seconds
	 * @return it as {@code m:ss}, or {@code h:mm:ss} from an hour
	 */
	public static String duration(long seconds) {
		return duration(Locale.getDefault(Locale.Category.FORMAT), seconds);
	}

	/**
	 * @param locale how the digits are written
	 * @param seconds a duration in whole seconds
	 * @return it as {@link #duration(long)} writes it
	 */
	public static String duration(Locale locale, long seconds) {
		long h = seconds / 3600;
		long m = (seconds % 3600) / 60;
		long s = seconds % 60;
		return (h > 0) ? String.format(locale, "%d:%02d:%02d", h, m, s) : String.format(locale, "%d:%02d", m, s);
	}

	/**
	 * A duration as a person reads it: {@code 12.5 s} under a minute, from one its two
	 * largest units, cut (not rounded), such as {@code 3 min 20 s}, {@code 18 min},
	 * {@code 1 h 5 min} or {@code 2 d 3 h}.
	 * @param locale how the digits and the decimal separator are written
	 * @param seconds a duration in seconds
	 * @return it in words
	 * @since 0.2.0
	 */
	public static String span(Locale locale, double seconds) {
		if (seconds < 60) {
			return String.format(locale, "%.1f s", Math.max(0, seconds));
		}
		long whole = (long) seconds;
		long[] amounts = { whole / 86_400, (whole % 86_400) / 3600, (whole % 3600) / 60, whole % 60 };
		int largest = 0;
		while (amounts[largest] == 0) {
			largest++;
		}
		String text = String.format(locale, "%d %s", amounts[largest], SPAN_UNITS.get(largest));
		return (amounts[largest + 1] == 0) ? text
				: text + String.format(locale, " %d %s", amounts[largest + 1], SPAN_UNITS.get(largest + 1));
	}

	/**
	 * How long ago a time was, in its largest unit: {@code 42 s ago}, {@code 3 min ago},
	 * {@code 2 h ago}, {@code 5 d ago}; {@code just now} under a second (or for a time
	 * after {@code now}, as a clock a little ahead gives).
	 * @param locale how the digits are written
	 * @param at the time
	 * @param now the time it is
	 * @return it in words
	 * @since 0.2.0
	 */
	public static String ago(Locale locale, Instant at, Instant now) {
		long seconds = Duration.between(at, now).getSeconds();
		if (seconds < 1) {
			return "just now";
		}
		long[] units = { 86_400, 3600, 60, 1 };
		int unit = 0;
		while (seconds < units[unit]) {
			unit++;
		}
		return String.format(locale, "%d %s ago", seconds / units[unit], SPAN_UNITS.get(unit));
	}

	/**
	 * A time of day in a zone, to the minute: {@code 14:02} on the day of {@code now},
	 * {@code 2026-11-24 14:02} on another day.
	 * @param locale how the digits are written
	 * @param at the time
	 * @param now the time it is, to tell whether {@code at} is on the same day
	 * @param zone the zone to read both in, such as the server's
	 * @return it in words
	 * @since 0.2.0
	 */
	public static String clock(Locale locale, Instant at, Instant now, ZoneId zone) {
		ZonedDateTime time = at.atZone(zone);
		boolean today = time.toLocalDate().equals(now.atZone(zone).toLocalDate());
		return DateTimeFormatter.ofPattern(today ? "HH:mm" : "yyyy-MM-dd HH:mm", locale).format(time);
	}

	/**
	 * A state in words, as a sentence has it: {@code running}, {@code waiting},
	 * {@code never run}.
	 * @param state a run's or a partition's state
	 * @return it in lower case
	 * @since 0.2.0
	 */
	public static String state(BackfillState state) {
		// no default: a new state is a compile error here rather than a blank
		return switch (state) {
			case NEVER_RUN -> "never run";
			case WAITING -> "waiting";
			case RUNNING -> "running";
			case PAUSED -> "paused";
			case DEAD -> "dead";
			case STOPPED -> "stopped";
			case FAILED -> "failed";
			case COMPLETED -> "completed";
			case ROLLED_BACK -> "rolled back";
			case NOTHING_TO_ROLL_BACK -> "nothing to roll back";
		};
	}

	/**
	 * How many partitions a run has and in which states, such as
	 * {@code 8 partitions (3 waiting, 5 running)}, the states in their order of
	 * {@link BackfillState}.
	 * @param partitions the run's partitions
	 * @return them counted in words
	 * @since 0.2.0
	 */
	public static String partitionCounts(List<BackfillReport.PartitionSummary> partitions) {
		Map<BackfillState, Long> counts = partitions.stream()
			.collect(Collectors.groupingBy((p) -> BackfillState.valueOf(p.state()),
					() -> new EnumMap<>(BackfillState.class), Collectors.counting()));
		return counts.entrySet()
			.stream()
			.map((e) -> e.getValue() + " " + state(e.getKey()))
			.collect(Collectors.joining(", ",
					partitions.size() + ((partitions.size() == 1) ? " partition (" : " partitions ("), ")"));
	}

	/**
	 * @param bytes a size
	 * @return it in the largest unit that keeps it from 1, such as {@code 1.5 MB}
	 */
	public static String bytes(long bytes) {
		double value = bytes;
		int unit = 0;
		while (value >= 1024 && unit < BYTE_UNITS.size() - 1) {
			value /= 1024;
			unit++;
		}
		return (unit == 0) ? bytes + " B" : String.format("%.1f %s", value, BYTE_UNITS.get(unit));
	}

}
