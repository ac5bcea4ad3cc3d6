package dev.backfill.engine;

import java.util.Optional;
import java.util.function.LongConsumer;

import dev.backfill.Estimate;
import dev.backfill.KeyRange;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Finds a batch as a run would, applies it in a rolled-back savepoint, and times it.
 *
 * @param name the backfill's name
 * @param shape the table's shape
 * @param work the backfill's batch work
 * @param keyset finds the batches
 * @param walk finds a sample's range as the run would: the keyset, or spans of key values
 * @param jdbc the connection of the dry-run's transaction
 * @param savepoint nested transactions in it, each rolled back
 * @param batchSize keys per sampled batch
 */
record BatchSampler(String name, TableShape shape, BatchWork work, Keyset keyset, KeyWalk walk, JdbcClient jdbc,
		TransactionTemplate savepoint, int batchSize) {

	private static final String WAL_POSITION = "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint";

	static BatchSampler of(String name, TableShape shape, BatchWork work, JdbcClient jdbc,
			TransactionTemplate savepoint, SamplePlan plan) {
		Keyset keyset = new Keyset(shape);
		return new BatchSampler(name, shape, work, keyset, (plan.spans() != null) ? plan.spans() : keyset, jdbc,
				savepoint, plan.batchSize());
	}

	// a calibration call finds its batch as a run does, one key long, and writes its end
	// to the step: that end, or start when there is none
	@Nullable Object probe(@Nullable Object start) {
		return this.keyset.next(this.jdbc, start, false, 1, null).map((batch) -> batch.range().to()).orElse(start);
	}

	// the client side of a batch (read, process) is compiled only after many rows: run it
	// on one range, reading only, until enough rows went through it or the deadline
	Read readOnly(@Nullable Object start, long rows, long deadlineNanos) {
		Optional<Keyset.Batch> batch = this.keyset.next(this.jdbc, start, false, this.batchSize, null);
		if (batch.isEmpty()) {
			return Read.NONE;
		}
		KeyRange range = batch.get().range();
		long read = 0;
		long begin = System.nanoTime();
		while (read < rows && System.nanoTime() < deadlineNanos) {
			long processed = this.work.warmUp(this.jdbc, range);
			if (processed == 0) {
				break;
			}
			read += processed;
		}
		return new Read(read, (System.nanoTime() - begin) / 1_000_000);
	}

	// the batch after start, or the first when start is now the last key; a failure that
	// no retry mends is explained as a run would explain it
	Measured apply(@Nullable Object start) {
		long probeStart = System.nanoTime();
		Optional<Keyset.Batch> batch = next(start);
		if (batch.isEmpty()) {
			// the sampled key is now the last one (rows deleted since): sample the first
			// batch instead
			batch = next(null);
		}
		KeyRange range = batch
			.orElseThrow(() -> new IllegalStateException(
					"Table " + this.shape.table() + " was emptied during the dry-run of '" + this.name + "'"))
			.range();
		long keys = batch.get().keys();
		long probeNanos = System.nanoTime() - probeStart;
		Measured measured = new Measured(range, keys);
		measured.probeStartNanos = probeStart;
		// only the probe and the work are timed: the savepoint and the WAL positions are
		// the dry-run's own cost
		try {
			this.savepoint.executeWithoutResult((status) -> {
				long walBefore = walPosition(this.jdbc);
				long workStart = System.nanoTime();
				measured.rows = this.work.apply(this.jdbc, range);
				measured.workNanos = System.nanoTime() - workStart;
				measured.workEndNanos = workStart + measured.workNanos;
				measured.walBytes = walPosition(this.jdbc) - walBefore;
				status.setRollbackOnly();
			});
		}
		catch (DataAccessException ex) {
			throw (TransientFailure.of(ex) != null) ? ex : this.work.explain(this.jdbc, range, ex, this.savepoint);
		}
		// from here on, what a run's batch pays too: the step update and the commit
		onCompletion(System.nanoTime(), (nanos) -> measured.completionNanos = nanos);
		measured.probeNanos = probeNanos;
		return measured;
	}

	private Optional<Keyset.Batch> next(@Nullable Object start) {
		return this.walk.next(this.jdbc, start, false, this.batchSize, null);
	}

	static long walPosition(JdbcClient jdbc) {
		return jdbc.sql(WAL_POSITION).query(Long.class).single();
	}

	// times from a point in the tasklet to the end of its transaction: the step update
	// and the commit, which flushes the WAL the batch wrote
	static void onCompletion(long fromNanos, LongConsumer nanos) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCompletion(int status) {
				nanos.accept(System.nanoTime() - fromNanos);
			}
		});
	}

	/**
	 * What a read-only pass went through.
	 *
	 * @param rows rows read and processed
	 * @param millis time it took
	 */
	record Read(long rows, long millis) {

		static final Read NONE = new Read(0, 0);

	}

	/** A sampled batch: what was timed of it, and what it wrote. */
	static final class Measured {

		final KeyRange range;

		final long keys;

		long probeNanos;

		/** When its probe started ({@link System#nanoTime()}). */
		long probeStartNanos;

		long workNanos;

		/** When its work ended ({@link System#nanoTime()}). */
		long workEndNanos;

		long completionNanos;

		long rows;

		long walBytes;

		Measured(KeyRange range, long keys) {
			this.range = range;
			this.keys = keys;
		}

		double workMillis() {
			return (this.probeNanos + this.workNanos) / 1e6;
		}

		// a run's batch: the probe, the work and the commit as timed here, plus what a
		// batch pays besides them
		Extrapolation.Timed sample(double overheadMillis) {
			return between(this.completionNanos / 1e6 + overheadMillis, this.completionNanos / 1e6);
		}

		// a run's batch: the probe and the work as timed here, and what a batch pays
		// between its work and the next one's probe (the commit among it)
		Extrapolation.Timed between(double betweenMillis, double commitMillis) {
			return new Extrapolation.Timed(
					new Estimate.Sample(this.range, this.keys, this.rows, workMillis() + betweenMillis,
							this.workNanos / 1e6 + this.completionNanos / 1e6, this.walBytes),
					this.workNanos / 1e6, commitMillis);
		}

	}

}
