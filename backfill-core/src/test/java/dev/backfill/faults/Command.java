package dev.backfill.faults;

import dev.backfill.BackfillOperator;
import dev.backfill.DryRunOptions;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;

/**
 * A command of the operator API, as a user types it again after a failure.
 */
enum Command {

	RUN("run", ""), RUN_IN_PARTITIONS("run", " --parallelism=2"), ROLLBACK("rollback", ""), VERIFY("verify", ""),
	DRY_RUN("dry-run", "");

	private final String word;

	private final String options;

	Command(String word, String options) {
		this.word = word;
		this.options = options;
	}

	/**
	 * @return whether it runs the backfill, in one walk or in partitions
	 */
	boolean runs() {
		return this == RUN || this == RUN_IN_PARTITIONS;
	}

	/**
	 * @return the result: a {@code BackfillResult}, {@code Verification} or
	 * {@code Estimate}
	 */
	Object apply(BackfillOperator operator, String name) {
		return switch (this) {
			case RUN -> operator.run(name, RunOptions.defaults(), ProgressListener.NONE);
			// two partitions walked side by side in threads of the one process
			case RUN_IN_PARTITIONS -> operator.run(name, new RunOptions(0, 2), ProgressListener.NONE);
			case ROLLBACK -> operator.rollback(name, ProgressListener.NONE);
			case VERIFY -> operator.verify(name);
			case DRY_RUN -> operator.dryRun(name, DryRunOptions.defaults());
		};
	}

	/**
	 * @return as typed: {@code backfill run NAME}
	 */
	String typed() {
		return "backfill " + this.word + " NAME" + this.options;
	}

}
