package dev.backfill.engine;

import java.util.function.Consumer;

import dev.backfill.Backfill;
import dev.backfill.BackfillException;
import dev.backfill.BackfillLockLostException;
import dev.backfill.BackfillSettings;
import dev.backfill.RunOptions;
import dev.backfill.Verification;
import dev.backfill.jdbc.RunLock;
import dev.backfill.jdbc.TableShape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

/**
 * Verifies: read-only walks that log a backfill's discrepancies, each resuming the
 * unfinished one unless a run or a rollback started since.
 */
final class Verifications {

	private static final Logger logger = LoggerFactory.getLogger(Verifications.class);

	private final Engine engine;

	Verifications(Engine engine) {
		this.engine = engine;
	}

	Verification verify(Backfill backfill, RunOptions options) {
		String name = backfill.name();
		TableShape shape = this.engine.shape(backfill, DeclarationCheck.Work.VERIFY);
		return this.engine.locked()
			.holding(name, "Verify of '" + name + "'", "'backfill verify " + name + "' resumes it",
					(lock, stoppable) -> verify(backfill, shape, options, lock, stoppable));
	}

	// an unfinished verify resumes from its checkpoint unless a run or a rollback
	// started since: its earlier checks would be stale
	private Verification verify(Backfill backfill, TableShape shape, RunOptions options, RunLock lock,
			Consumer<Runnable> stoppable) throws Exception {
		String name = backfill.name();
		BackfillHistory history = this.engine.history();
		JobExecution previous = history.last(JobNames.verify(name));
		BackfillSettings settings = this.engine.tunings().settings(name);
		boolean resume = BackfillHistory.unfinished(previous) && !history.changedSince(name, previous);
		// a verify resumes in the shape it started in; a new one is split as asked
		int asked = this.engine.tunings().parallelism(backfill, options.parallelism());
		WalkShape walk = !resume ? WalkShape.split(asked, asked)
				: WalkShape.isPartitioned(previous) ? WalkShape.split(WalkShape.partitionsOf(previous),
						(asked > 1) ? asked : WalkShape.partitionsOf(previous)) : WalkShape.ONE_STEP;
		JobHandle<VerifyTasklet> verify = this.engine.jobs()
			.buildVerify(backfill, shape, Math.max(settings.batchSize(), settings.sizing().max()), settings,
					this.engine.discrepancies(), lock, walk);
		stoppable.accept(verify.tasklet()::requestStop);
		JobExecution execution = this.engine.executions().launch(name, verify.job(), previous, resume);
		if (LockWatch.lostIn(execution.getAllFailureExceptions())) {
			throw new BackfillLockLostException(name, history.owner(name));
		}
		if (execution.getStatus() != BatchStatus.COMPLETED) {
			throw new BackfillException("Verify of '" + name + "' did not finish (job execution " + execution.getId()
					+ ", " + execution.getStatus() + "): " + BackfillHistory.failure(execution) + ". 'backfill verify "
					+ name + "' resumes it from its checkpoint.");
		}
		Verification verification = history.verification(backfill, execution);
		logger.info("Backfill '{}' verified: {} keys checked, {} discrepancies", name, verification.keysChecked(),
				verification.discrepancies());
		return verification;
	}

}
