package dev.backfill.jdbc;

import org.jspecify.annotations.Nullable;

/**
 * A column's type as the catalog describes it: what the column declares, the type values
 * are cast to before they are assigned to it, and the base type it holds values of.
 *
 * @param declared the type with its modifier, as {@code format_type} prints it, such as
 * {@code character varying(5)}
 * @param assignable the base type without its modifier, such as
 * {@code character varying}: a text cast to it and then assigned to the column is checked
 * against the modifier (too long or out of range fails) instead of being cut to fit as an
 * explicit cast to the declared type would
 * @param base the name ({@code pg_type.typname}) of the base type, under any domains,
 * such as {@code timestamptz}
 * @param element for an array, the name of its element's base type; otherwise
 * {@code null}
 */
public record ColumnType(String declared, String assignable, String base, @Nullable String element) {

	/**
	 * @return whether the column holds arrays
	 */
	public boolean isArray() {
		return this.element != null;
	}

}
