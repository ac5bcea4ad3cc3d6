package dev.backfill.engine;

import dev.backfill.Backfill;
import dev.backfill.BackfillException;
import dev.backfill.BackfillSettings;
import dev.backfill.DryRunOptions;
import dev.backfill.Estimate;
import dev.backfill.jdbc.RunLock;
import dev.backfill.jdbc.TableShape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Dry-runs: sampled batches of a backfill timed and rolled back into an {@link Estimate},
 * holding the run lock; nothing is committed.
 */
final class DryRuns {

	private static final Logger logger = LoggerFactory.getLogger(DryRuns.class);

	private final Engine engine;

	DryRuns(Engine engine) {
		this.engine = engine;
	}

	Estimate dryRun(Backfill backfill, DryRunOptions options) {
		TableShape shape = this.engine.shape(backfill, DeclarationCheck.Work.DRY_RUN);
		// held while it samples: a run's row locks would hold its samples, and it would
		// measure a table being changed
		try (RunLock lock = this.engine.locked().acquire(backfill.name())) {
			return dryRun(backfill, shape, options, lock);
		}
	}

	private Estimate dryRun(Backfill backfill, TableShape shape, DryRunOptions options, RunLock lock) {
		String name = backfill.name();
		Tunings tunings = this.engine.tunings();
		BackfillSettings settings = tunings.settings(name);
		JobHandle<DryRunTasklet> dryRun;
		try {
			// sampling key positions reads a few hundred pages: bounded by the statement
			// timeout all the same
			dryRun = new TransactionTemplate(this.engine.transactionManager()).execute((tx) -> {
				tx.setRollbackOnly();
				TenantSchemas
					.bindSearchPath(this.engine.jdbc()
						.sql("SELECT set_config('statement_timeout', :timeout, true)"
								+ TenantSchemas.searchPath(backfill)),
							backfill)
					.param("timeout", settings.statementTimeout().toMillis() + "ms")
					.query()
					.listOfRows();
				return this.engine.jobs()
					.buildDryRun(backfill, shape, tunings.batchSize(backfill, options.batchSize()),
							tunings.sizing(backfill, options.batchSize()), settings, options, lock);
			});
		}
		catch (DataAccessException ex) {
			throw new BackfillException("Dry-run of '" + name + "' could not sample " + backfill.table() + ": "
					+ DefaultBackfillOperator.rootMessage(ex), ex);
		}
		JobExecution execution;
		try {
			execution = this.engine.executions().launch(name, dryRun.job(), null, false);
		}
		catch (Exception ex) {
			throw new BackfillException(
					"Dry-run of '" + name + "' could not be launched: " + DefaultBackfillOperator.rootMessage(ex), ex);
		}
		Estimate estimate = dryRun.tasklet().estimate();
		if (execution.getStatus() != BatchStatus.COMPLETED || estimate == null) {
			throw new BackfillException("Dry-run of '" + name + "' failed (job execution " + execution.getId() + "): "
					+ BackfillHistory.failure(execution) + ". Nothing was committed to " + backfill.table() + ".");
		}
		logger.info(
				"Backfill '{}' dry-run: {} batches of {} keys, about {} s ({} to {} s), longest batch {} ms, "
						+ "idempotent {}",
				name, estimate.batches(), estimate.batchSize(), Math.round(estimate.estimatedSeconds()),
				Math.round(estimate.estimatedSecondsLow()), Math.round(estimate.estimatedSecondsHigh()),
				estimate.maxBatchMillis(), estimate.idempotent());
		return estimate;
	}

}
