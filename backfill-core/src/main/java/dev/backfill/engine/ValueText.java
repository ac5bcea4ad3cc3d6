package dev.backfill.engine;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * The text of a value a processor sets, which PostgreSQL reads back exactly as the
 * column's type: numbers in their exact decimal form, instants with their offset and full
 * fraction, dates before the common era with {@code BC}, {@code bytea} in hex, arrays as
 * array literals. Nothing depends on the JVM's default time zone, and nothing is Java's
 * {@code toString()} of a legacy date type.
 */
final class ValueText {

	private static final String ACCEPTED = "set a String (PostgreSQL's text form), Number, Boolean, byte[], UUID, "
			+ "enum, Instant, OffsetDateTime, ZonedDateTime, LocalDateTime, LocalDate, LocalTime, OffsetTime, "
			+ "java.util.Date, or a List or array of these";

	private ValueText() {
	}

	/**
	 * @param value a value, or {@code null}
	 * @param target how the column's values (an array's elements) are read: a
	 * {@link java.sql.Timestamp} is its instant for {@code timestamptz} and its local
	 * date and time otherwise, as in JDBC
	 * @param where the backfill, column and key, for a message
	 * @return the text, or {@code null} for SQL NULL
	 * @throws IllegalArgumentException when the value's type has no exact text for the
	 * column
	 */
	static @Nullable String of(@Nullable Object value, ValueType target, Supplier<String> where) {
		if (value == null) {
			return null;
		}
		if (value instanceof CharSequence || value instanceof Character || value instanceof Boolean
				|| value instanceof UUID) {
			return value.toString();
		}
		if (value instanceof BigDecimal decimal) {
			return decimal.toPlainString();
		}
		if (value instanceof Number) {
			// Double and Float print the shortest text that reads back as the same binary
			// value
			return value.toString();
		}
		if (value instanceof byte[] bytes) {
			return "\\x" + HexFormat.of().formatHex(bytes);
		}
		if (value instanceof Enum<?> constant) {
			return constant.name();
		}
		if (value instanceof java.util.Date date) {
			return legacy(date, target, where);
		}
		if (value instanceof Collection<?> || value.getClass().isArray()) {
			return array(value, target, where);
		}
		return time(value, target, where);
	}

	private static String time(Object value, ValueType target, Supplier<String> where) {
		if (value instanceof Instant instant) {
			return instant(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
		}
		if (value instanceof OffsetDateTime time) {
			return instant(time);
		}
		if (value instanceof ZonedDateTime time) {
			return instant(time.toOffsetDateTime());
		}
		if ((value instanceof LocalDateTime || value instanceof LocalDate) && target == ValueType.TIMESTAMPTZ) {
			throw new IllegalArgumentException(where.get() + ": a " + value.getClass().getSimpleName() + " names no "
					+ "instant, and PostgreSQL would read it in the session's time zone, which is the JVM's. Set an "
					+ "Instant, OffsetDateTime or ZonedDateTime, such as value.atOffset(ZoneOffset.UTC)");
		}
		if (value instanceof LocalDateTime time) {
			return time.equals(LocalDateTime.MAX) ? "infinity"
					: time.equals(LocalDateTime.MIN) ? "-infinity" : dateTime(time, "");
		}
		if (value instanceof LocalDate date) {
			return date.equals(LocalDate.MAX) ? "infinity"
					: date.equals(LocalDate.MIN) ? "-infinity" : era(new StringBuilder(), date).toString();
		}
		if (value instanceof LocalTime time) {
			// the driver reads 24:00:00 as LocalTime.MAX
			return time.equals(LocalTime.MAX) ? "24:00:00" : time(new StringBuilder(), time).toString();
		}
		if (value instanceof OffsetTime time) {
			return time(new StringBuilder(), time.toLocalTime()).append(offset(time.getOffset())).toString();
		}
		throw new IllegalArgumentException(
				where.get() + ": a " + value.getClass().getName() + " has no exact text " + "form here; " + ACCEPTED);
	}

	// java.sql.Date and Time are local by definition; a Timestamp is an instant to
	// timestamptz, else local, as in JDBC
	private static String legacy(java.util.Date date, ValueType target, Supplier<String> where) {
		if (date instanceof java.sql.Date day) {
			return of(day.toLocalDate(), target, where);
		}
		if (date instanceof java.sql.Time time) {
			long millis = Math.floorMod(time.getTime(), 1000L);
			return of(time.toLocalTime().withNano((int) millis * 1_000_000), target, where);
		}
		if (date instanceof java.sql.Timestamp timestamp && target != ValueType.TIMESTAMPTZ) {
			return of(timestamp.toLocalDateTime(), target, where);
		}
		return of(date.toInstant(), target, where);
	}

	private static String instant(OffsetDateTime time) {
		if (time.equals(OffsetDateTime.MAX)) {
			return "infinity";
		}
		if (time.equals(OffsetDateTime.MIN)) {
			return "-infinity";
		}
		return dateTime(time.toLocalDateTime(), offset(time.getOffset()));
	}

	private static String dateTime(LocalDateTime time, String offset) {
		StringBuilder text = new StringBuilder(40);
		boolean bc = year(text, time.toLocalDate());
		time(text.append(' '), time.toLocalTime()).append(offset);
		return bc ? text.append(" BC").toString() : text.toString();
	}

	private static StringBuilder era(StringBuilder text, LocalDate date) {
		return year(text, date) ? text.append(" BC") : text;
	}

	// yyyy-mm-dd, with year 0 as 1 BC; whether the date is BC
	private static boolean year(StringBuilder text, LocalDate date) {
		int year = date.getYear();
		boolean bc = year <= 0;
		pad(text, bc ? 1 - year : year, 4).append('-');
		pad(text, date.getMonthValue(), 2).append('-');
		pad(text, date.getDayOfMonth(), 2);
		return bc;
	}

	private static StringBuilder time(StringBuilder text, LocalTime time) {
		pad(text, time.getHour(), 2).append(':');
		pad(text, time.getMinute(), 2).append(':');
		pad(text, time.getSecond(), 2);
		int nanos = time.getNano();
		if (nanos != 0) {
			String fraction = String.valueOf(1_000_000_000 + nanos).substring(1).replaceFirst("0+$", "");
			text.append('.').append(fraction);
		}
		return text;
	}

	private static String offset(ZoneOffset offset) {
		return offset.equals(ZoneOffset.UTC) ? "+00:00" : offset.getId();
	}

	private static StringBuilder pad(StringBuilder text, int value, int width) {
		String digits = Integer.toString(value);
		return text.append("0".repeat(Math.max(0, width - digits.length()))).append(digits);
	}

	// an array literal: each element quoted, nested arrays and lists as further
	// dimensions
	private static String array(Object value, ValueType target, Supplier<String> where) {
		List<?> elements = (value instanceof Collection<?> collection) ? new ArrayList<>(collection) : null;
		int length = (elements != null) ? elements.size() : Array.getLength(value);
		StringBuilder text = new StringBuilder("{");
		for (int i = 0; i < length; i++) {
			Object element = (elements != null) ? elements.get(i) : Array.get(value, i);
			text.append((i > 0) ? "," : "");
			if (element == null) {
				text.append("NULL");
			}
			else if (element instanceof Collection<?>
					|| (element.getClass().isArray() && !(element instanceof byte[]))) {
				text.append(array(element, target, where));
			}
			else {
				String item = of(element, target, where);
				text.append('"').append(item.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
			}
		}
		return text.append('}').toString();
	}

}
