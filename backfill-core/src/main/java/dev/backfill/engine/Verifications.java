package dev.backfill.engine;

import dev.backfill.Backfill;
import dev.backfill.BackfillException;
import dev.backfill.BackfillLockLostException;
import dev.backfill.BackfillSettings;
import dev.backfill.Verification;
import dev.backfill.jdbc.JdbcDiscrepancies;
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

	private final DeclarationCheck check;

	private final LockedRuns locked;

	private final Tunings tunings;

	private final BackfillJobs jobs;

	private final Executions executions;

	private final BackfillHistory history;

	private final JdbcDiscrepancies discrepancies;

	Verifications(DeclarationCheck check, LockedRuns locked, Tunings tunings, BackfillJobs jobs, Executions executions,
			BackfillHistory history, JdbcDiscrepancies discrepancies) {
		this.check = check;
		this.locked = locked;
		this.tunings = tunings;
		this.jobs = jobs;
		this.executions = executions;
		this.history = history;
		this.discrepancies = discrepancies;
	}

	Verification verify(Backfill backfill) {
		String name = backfill.name();
		this.check.checkRepository();
		TableShape shape = this.check.shape(backfill, DeclarationCheck.Work.VERIFY);
		String job = JobNames.verify(name);
		return this.locked.holding(name, "Verify of '" + name + "'", "'backfill verify " + name + "' resumes it",
				(lock, stoppable) -> {
					JobExecution previous = this.history.last(job);
					BackfillSettings settings = this.tunings.settings(name);
					JobHandle<VerifyTasklet> verify = this.jobs.buildVerify(backfill, shape,
							Math.max(settings.batchSize(), settings.sizing().max()), settings, this.discrepancies,
							lock);
					stoppable.accept(verify.tasklet()::requestStop);
					JobExecution execution = this.executions.launch(name, verify.job(), previous,
							BackfillHistory.unfinished(previous) && !this.history.changedSince(name, previous));
					if (LockWatch.lostIn(execution.getAllFailureExceptions())) {
						throw new BackfillLockLostException(name, this.history.owner(name));
					}
					if (execution.getStatus() != BatchStatus.COMPLETED) {
						throw new BackfillException(
								"Verify of '" + name + "' did not finish (job execution " + execution.getId() + ", "
										+ execution.getStatus() + "): " + BackfillHistory.failure(execution)
										+ ". 'backfill verify " + name + "' resumes it from its checkpoint.");
					}
					Verification verification = this.history.verification(backfill, execution);
					logger.info("Backfill '{}' verified: {} keys checked, {} discrepancies", name,
							verification.keysChecked(), verification.discrepancies());
					return verification;
				});
	}

}
