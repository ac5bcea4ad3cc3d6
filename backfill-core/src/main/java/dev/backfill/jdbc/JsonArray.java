package dev.backfill.jdbc;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON array a {@link dev.backfill.KeyTuple} is stored as: numbers and strings
 * only, each returned as its text. A few lines here rather than a JSON library in the
 * engine, for the one form the engine itself writes.
 */
final class JsonArray {

	private JsonArray() {
	}

	static List<String> parse(String json) {
		List<String> values = new ArrayList<>();
		int i = skipSpace(json, 0);
		expect(json, i, '[');
		i = skipSpace(json, i + 1);
		if (i < json.length() && json.charAt(i) == ']') {
			return end(json, i, values);
		}
		while (true) {
			StringBuilder value = new StringBuilder();
			if (i < json.length() && json.charAt(i) == '"') {
				i = string(json, i + 1, value);
			}
			else {
				int start = i;
				while (i < json.length() && "-+.0123456789eE".indexOf(json.charAt(i)) >= 0) {
					i++;
				}
				if (i == start) {
					throw invalid(json);
				}
				value.append(json, start, i);
			}
			values.add(value.toString());
			i = skipSpace(json, i);
			if (i < json.length() && json.charAt(i) == ']') {
				return end(json, i, values);
			}
			expect(json, i, ',');
			i = skipSpace(json, i + 1);
		}
	}

	// the string's text after its opening quote; returns the index after its closing one
	private static int string(String json, int start, StringBuilder into) {
		int i = start;
		while (i < json.length()) {
			char c = json.charAt(i);
			if (c == '"') {
				return i + 1;
			}
			if (c == '\\' && i + 1 < json.length()) {
				char escaped = json.charAt(i + 1);
				switch (escaped) {
					case 'n' -> into.append('\n');
					case 'r' -> into.append('\r');
					case 't' -> into.append('\t');
					case 'b' -> into.append('\b');
					case 'f' -> into.append('\f');
					case 'u' -> {
						if (i + 6 > json.length()) {
							throw invalid(json);
						}
						into.append((char) Integer.parseInt(json.substring(i + 2, i + 6), 16));
						i += 4;
					}
					default -> into.append(escaped);
				}
				i += 2;
			}
			else {
				into.append(c);
				i++;
			}
		}
		throw invalid(json);
	}

	private static List<String> end(String json, int at, List<String> values) {
		if (skipSpace(json, at + 1) != json.length()) {
			throw invalid(json);
		}
		return values;
	}

	private static void expect(String json, int at, char c) {
		if (at >= json.length() || json.charAt(at) != c) {
			throw invalid(json);
		}
	}

	private static int skipSpace(String json, int i) {
		while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
			i++;
		}
		return i;
	}

	private static IllegalArgumentException invalid(String json) {
		return new IllegalArgumentException(
				"Not a stored composite key (a JSON array of numbers and strings): " + json);
	}

}
