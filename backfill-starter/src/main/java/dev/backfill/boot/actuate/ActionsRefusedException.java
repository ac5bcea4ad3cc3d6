package dev.backfill.boot.actuate;

import dev.backfill.BackfillException;

/**
 * Thrown when the {@code backfills} endpoint is asked to act on a backfill while no Spring Security filter chain
 * protects it and {@code backfill.web.allow-unsecured-actions} is not set.
 *
 * @since 0.1.0
 */
public class ActionsRefusedException extends BackfillException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message why, and how to allow actions
	 */
	public ActionsRefusedException(String message) {
		super(message);
	}

}
