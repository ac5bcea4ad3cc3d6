package dev.backfill.engine;

import dev.backfill.Backfill;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.jdbc.JdbcDiscrepancies;
import dev.backfill.jdbc.TableShape;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The parts that runs, rollbacks, verifies and dry-runs share, built once by the operator
 * on one data source.
 *
 * @param check checks the job repository and each declaration against the database
 * @param locked the run lock, and the work of this process that holds it
 * @param tunings each backfill's settings, throttles and listeners
 * @param jobs builds each kind of work's job
 * @param executions launches and restarts the jobs
 * @param history what the job repository holds of each backfill
 * @param log the batch log
 * @param discrepancies the keys verifies found wrong
 * @param transactionManager the data source's transaction manager
 * @param jdbc a client on the data source
 */
record Engine(DeclarationCheck check, LockedRuns locked, Tunings tunings, BackfillJobs jobs, Executions executions,
		BackfillHistory history, JdbcBatchLog log, JdbcDiscrepancies discrepancies,
		PlatformTransactionManager transactionManager, JdbcClient jdbc) {

	// asked before the run lock is taken: a broken declaration or a missing job
	// repository fails before any work would wait on it
	TableShape shape(Backfill backfill, DeclarationCheck.Work work) {
		this.check.checkRepository();
		return this.check.shape(backfill, work);
	}

}
