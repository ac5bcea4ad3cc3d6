package dev.backfill.faults;

import dev.backfill.BackfillOperator;
import dev.backfill.DryRunOptions;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;

/**
 * A command of the operator API, as a user types it again after a failure.
 */
enum Command {

	RUN("run"), ROLLBACK("rollback"), VERIFY("verify"), DRY_RUN("dry-run");

	private final String word;

	Command(String word) {
		this.word = word;
	}

	/**
	 * @return the result: a {@code BackfillResult}, {@code Verification} or
	 * {@code Estimate}
	 */
	Object apply(BackfillOperator operator, String name) {
		return switch (this) {
			case RUN -> operator.run(name, RunOptions.defaults(), ProgressListener.NONE);
			case ROLLBACK -> operator.rollback(name, ProgressListener.NONE);
			case VERIFY -> operator.verify(name);
			case DRY_RUN -> operator.dryRun(name, DryRunOptions.defaults());
		};
	}

	/**
	 * @return as typed: {@code backfill run NAME}
	 */
	String typed() {
		return "backfill " + this.word + " NAME";
	}

}
