package dev.backfill.boot.report;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.json.JsonWriter;

/**
 * Writes a report as the {@code backfills} endpoint answers it, without a JSON library of
 * the application's: a record is an object of its components by name, a field whose value
 * is {@code null} is left out, and an instant or an enum is its text.
 *
 * @since 0.1.0
 */
public final class ReportJson {

	private ReportJson() {
	}

	/**
	 * @param value a record, a map, a collection or a plain value
	 * @return it as one line of JSON
	 */
	public static String write(Object value) {
		return JsonWriter.standard().writeToString(tree(value));
	}

	/**
	 * @param value a record, a map, a collection or a plain value
	 * @return it as maps, lists and plain values, as {@link #write} writes them
	 */
	public static @Nullable Object tree(@Nullable Object value) {
		if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
			return value;
		}
		if (value instanceof Record record) {
			Map<String, Object> map = new LinkedHashMap<>();
			for (RecordComponent component : record.getClass().getRecordComponents()) {
				Object field = tree(read(record, component));
				if (field != null) {
					map.put(component.getName(), field);
				}
			}
			return map;
		}
		if (value instanceof Map<?, ?> entries) {
			Map<String, Object> map = new LinkedHashMap<>();
			entries.forEach((key, field) -> {
				Object tree = tree(field);
				if (tree != null) {
					map.put(String.valueOf(key), tree);
				}
			});
			return map;
		}
		if (value instanceof Collection<?> items) {
			return items.stream().map(ReportJson::tree).toList();
		}
		return value.toString();
	}

	/**
	 * @param record a record
	 * @return its fields, by name, as {@link #write} writes them
	 */
	@SuppressWarnings("unchecked")
	public static Map<String, Object> fields(Record record) {
		return (Map<String, Object>) tree(record);
	}

	private static @Nullable Object read(Record record, RecordComponent component) {
		try {
			return component.getAccessor().invoke(record);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException("Cannot read " + component + " of " + record.getClass().getName(), ex);
		}
	}

}
