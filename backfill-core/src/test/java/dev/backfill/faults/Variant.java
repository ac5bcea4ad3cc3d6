package dev.backfill.faults;

import java.util.ArrayList;
import java.util.List;

import dev.backfill.Backfill;

/**
 * A key type and a form of the backfill under attack.
 *
 * @param key the key column
 * @param form the declaration's form
 */
record Variant(KeyColumn key, Form form) {

	/** Every key type in both forms, the SQL form of each first. */
	static List<Variant> all() {
		List<Variant> all = new ArrayList<>();
		for (Form form : Form.values()) {
			for (KeyColumn key : KeyColumn.values()) {
				all.add(new Variant(key, form));
			}
		}
		return all;
	}

	String label() {
		return this.key.label() + " / " + this.form.name().toLowerCase();
	}

	/**
	 * @return the backfill's name: each variant has its own, so that cells of two
	 * variants may run at once
	 */
	String name() {
		return ("matrix-" + this.key.name() + "-" + this.form.name()).toLowerCase().replace('_', '-');
	}

	Backfill backfill() {
		return CounterBackfill.declare(name(), this.form, this.key);
	}

	String encode() {
		return this.key.name() + "|" + this.form.name();
	}

	static Variant decode(String text) {
		String[] parts = text.split("\\|");
		return new Variant(KeyColumn.valueOf(parts[0]), Form.valueOf(parts[1]));
	}

}
