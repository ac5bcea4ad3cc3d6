package dev.backfill.engine;

import dev.backfill.Backfill;
import dev.backfill.BackfillOrderException;
import dev.backfill.BackfillState;
import dev.backfill.BackfillStatus;

/**
 * Keeps a backfill from running before the backfills it runs {@link Backfill#after()
 * after} completed, as the job repository says now.
 */
final class RunOrder {

	private final BackfillHistory history;

	RunOrder(BackfillHistory history) {
		this.history = history;
	}

	/**
	 * @param backfill the backfill about to run
	 * @throws BackfillOrderException when one it runs after did not complete
	 */
	void check(Backfill backfill) {
		for (String before : backfill.after()) {
			BackfillStatus status = this.history.status(before);
			if (status.state() != BackfillState.COMPLETED) {
				throw new BackfillOrderException(backfill.name(), before, status.state(), reason(status));
			}
		}
	}

	private static String reason(BackfillStatus status) {
		String name = status.backfill();
		return switch (status.state()) {
			case NEVER_RUN -> "never ran: run 'backfill run " + name + "' first";
			case RUNNING, PAUSED, WAITING -> String.format("is %s (%.0f%% done): wait for it to complete",
					status.state(), 100 * status.fractionDone());
			case ROLLED_BACK, NOTHING_TO_ROLL_BACK -> "was rolled back: run 'backfill run " + name + "' again first";
			default -> "is " + status.state() + ": 'backfill run " + name + "' resumes it";
		};
	}

}
