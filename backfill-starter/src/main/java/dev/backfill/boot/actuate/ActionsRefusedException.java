package dev.backfill.boot.actuate;

import dev.backfill.BackfillException;

/**
 * Thrown when the {@code backfills} endpoint is asked to act on a backfill by a user
 * without the role {@code backfill.web.role}, or by a caller nobody authenticated where
 * no property allows it ({@link ActionAccess}).
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
