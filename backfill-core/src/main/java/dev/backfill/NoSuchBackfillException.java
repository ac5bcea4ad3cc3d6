package dev.backfill;

import java.util.Collection;

/**
 * Thrown when a backfill name is not declared in the application.
 *
 * @since 0.1.0
 */
public class NoSuchBackfillException extends BackfillException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param name the unknown name
	 * @param known the names that are declared
	 */
	public NoSuchBackfillException(String name, Collection<String> known) {
		super(known.isEmpty()
				? "No backfill named '" + name
						+ "': this application declares no Backfill bean. Declare one with Backfill.sql(...) or "
						+ "Backfill.java(...)."
				: "No backfill named '" + name + "'. Declared backfills: " + String.join(", ", known) + ".");
	}

}
