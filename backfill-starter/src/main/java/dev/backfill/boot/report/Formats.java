package dev.backfill.boot.report;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How the command line, the status page and the JSON views write numbers and times.
 *
 * @since 0.1.0
 */
public final class Formats {

	private static final List<String> BYTE_UNITS = List.of("B", "kB", "MB", "GB", "TB");

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
