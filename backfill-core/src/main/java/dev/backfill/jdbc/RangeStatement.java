package dev.backfill.jdbc;

import java.util.ArrayList;
import java.util.List;

import dev.backfill.KeyRange;
import org.jspecify.annotations.Nullable;

/**
 * A statement over a key range, with the parameters {@code :from} and {@code :to}, in its
 * two forms: as written, for the ranges {@code (:from, :to]}, and for a walk's first
 * range {@code [:from, :to]}, in which each {@code > :from} reads {@code >= :from} (and
 * each {@code :from <} reads {@code :from <=}). The first range thus starts at the
 * smallest key itself and needs no value below it, which the lowest value of a type, or a
 * key that a nondeterministic collation holds equal to {@code ''}, does not have.
 * Anywhere else ({@code CAST(:from AS bigint) + 1}), {@code :from} is bound to the
 * smallest key in the first range.
 */
public final class RangeStatement {

	private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";

	private final String sql;

	private final String firstRange;

	private RangeStatement(String sql, String firstRange) {
		this.sql = sql;
		this.firstRange = firstRange;
	}

	/**
	 * Reads a statement.
	 * @param sql the statement, with {@code :from} as the exclusive lower bound of
	 * comparisons such as {@code KEY > :from}
	 * @return the statement in its two forms
	 */
	public static RangeStatement of(String sql) {
		List<Integer> positions = fromParameters(sql);
		StringBuilder first = new StringBuilder(sql);
		// from the end, so that the positions before stay right
		for (int i = positions.size() - 1; i >= 0; i--) {
			int at = positions.get(i);
			int before = skipSpaceBackwards(sql, at - 1);
			int after = skipSpace(sql, at + ":from".length());
			if (operatorEndingAt(sql, before).equals(">")) {
				first.insert(before + 1, '=');
			}
			else if (operatorStartingAt(sql, after).equals("<")) {
				first.insert(after + 1, '=');
			}
			// anywhere else (CAST(:from AS bigint) + 1, a CASE) it is bound to the
			// smallest key as it stands
		}
		return new RangeStatement(sql, first.toString());
	}

	/**
	 * @param range the range to bind
	 * @return the statement to run over it
	 */
	public String sql(KeyRange range) {
		return range.fromIncluded() ? this.firstRange : this.sql;
	}

	// where :from stands as a parameter: not in a literal, a quoted identifier, a comment
	// or a cast (::from)
	private static List<Integer> fromParameters(String sql) {
		List<Integer> found = new ArrayList<>();
		int i = 0;
		while (i < sql.length()) {
			char c = sql.charAt(i);
			if (c == '\'' || c == '"') {
				i = skipQuoted(sql, i, c, c == '\'' && i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e'));
			}
			else if (c == '-' && sql.startsWith("--", i)) {
				int end = sql.indexOf('\n', i);
				i = (end < 0) ? sql.length() : end + 1;
			}
			else if (c == '/' && sql.startsWith("/*", i)) {
				i = skipBlockComment(sql, i);
			}
			else if (c == '$' && dollarTag(sql, i) != null) {
				String tag = dollarTag(sql, i);
				int end = sql.indexOf(tag, i + tag.length());
				i = (end < 0) ? sql.length() : end + tag.length();
			}
			else if (c == ':' && sql.startsWith("::", i)) {
				i += 2;
				while (i < sql.length() && isIdentifierPart(sql.charAt(i))) {
					i++;
				}
			}
			else if (c == ':' && sql.startsWith(":from", i)
					&& (i + 5 == sql.length() || !isIdentifierPart(sql.charAt(i + 5)))) {
				found.add(i);
				i += 5;
			}
			else {
				i++;
			}
		}
		return found;
	}

	private static int skipQuoted(String sql, int start, char quote, boolean backslashEscapes) {
		int i = start + 1;
		while (i < sql.length()) {
			char c = sql.charAt(i);
			if (backslashEscapes && c == '\\') {
				i += 2;
			}
			else if (c == quote) {
				if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
					i += 2;
				}
				else {
					return i + 1;
				}
			}
			else {
				i++;
			}
		}
		return i;
	}

	private static int skipBlockComment(String sql, int start) {
		int depth = 0;
		int i = start;
		while (i < sql.length()) {
			if (sql.startsWith("/*", i)) {
				depth++;
				i += 2;
			}
			else if (sql.startsWith("*/", i)) {
				depth--;
				i += 2;
				if (depth == 0) {
					return i;
				}
			}
			else {
				i++;
			}
		}
		return i;
	}

	// $$ or $tag$ opening a dollar-quoted string; a $1 parameter or a $ inside an
	// identifier is none
	private static @Nullable String dollarTag(String sql, int start) {
		if (start > 0 && isIdentifierPart(sql.charAt(start - 1))) {
			return null;
		}
		int i = start + 1;
		while (i < sql.length() && (Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_'
				|| (i > start + 1 && Character.isDigit(sql.charAt(i))))) {
			i++;
		}
		return (i < sql.length() && sql.charAt(i) == '$') ? sql.substring(start, i + 1) : null;
	}

	private static boolean isIdentifierPart(char c) {
		return Character.isLetterOrDigit(c) || c == '_' || c == '$';
	}

	private static int skipSpaceBackwards(String sql, int i) {
		while (i >= 0 && Character.isWhitespace(sql.charAt(i))) {
			i--;
		}
		return i;
	}

	private static int skipSpace(String sql, int i) {
		while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
			i++;
		}
		return i;
	}

	// the whole operator token that ends at index end
	private static String operatorEndingAt(String sql, int end) {
		int start = end;
		while (start >= 0 && OPERATOR_CHARS.indexOf(sql.charAt(start)) >= 0) {
			start--;
		}
		return (end >= 0) ? sql.substring(start + 1, end + 1) : "";
	}

	private static String operatorStartingAt(String sql, int start) {
		int end = start;
		while (end < sql.length() && OPERATOR_CHARS.indexOf(sql.charAt(end)) >= 0) {
			end++;
		}
		return sql.substring(start, end);
	}

}
