package dev.backfill.boot.report;

import java.time.Instant;
import java.util.List;

import dev.backfill.BackfillState;
import dev.backfill.BackfillStatus;
import dev.backfill.BatchSummary;
import dev.backfill.Estimate;
import dev.backfill.PartitionStatus;
import dev.backfill.Readiness;
import dev.backfill.Verification;
import org.jspecify.annotations.Nullable;

/**
 * What {@code backfill status --json}, the {@code backfills} endpoint and the status page
 * show of one backfill: its latest run's progress, rate and ETA, the latest dry-run and
 * verify, for a run split into partitions each partition, and, for one backfill, its
 * recent batches. Plain values with no Actuator type; its components are the JSON fields
 * ({@link ReportJson}).
 *
 * @param name the backfill name
 * @param state the latest run's state, such as {@code RUNNING}
 * @param percentDone rows done as a share of rows done and rows estimated to remain, from
 * 0 to 100
 * @param rowsDone rows changed by the latest run
 * @param rowsRemainingEstimate rows estimated still to change
 * @param rowsPerSecond recent rows per second while it works, the throttles' holds left
 * out
 * @param etaSeconds estimated seconds left, 0 when done
 * @param batches batches committed by the latest run
 * @param batchSize keys per batch of the latest run, or 0 before any
 * @param lastKey the checkpoint, or {@code null}
 * @param jobExecutionId the latest run's job execution, or {@code null}
 * @param startedAt when the latest execution started, or {@code null}
 * @param endedAt when it ended, or {@code null}
 * @param owner host and pid running it, or {@code null}
 * @param exitMessage the latest execution's exit description, or {@code null}
 * @param runSeconds wall time of the latest run, over its executions
 * @param throttledSeconds of which throttles held it
 * @param lastDryRun the latest dry-run's estimate, or {@code null}
 * @param lastVerify the latest verify, or {@code null}
 * @param recentBatches the latest committed batches, oldest first; {@code null} in the
 * list of all backfills
 * @param partitions for a run split into partitions, each of them in key order (the
 * figures above are their sums); {@code null} for a run in one walk
 * @param readiness whether the contract step of its migration may run ({@code backfill
 * check}), or {@code null} when not known
 * @param schemas for a declaration over schemas, the report of each schema's walk
 * ({@code name@schema}) in schema order (the figures above are their sums); {@code null}
 * for a backfill of one table
 * @since 0.1.0
 */
public record BackfillReport(String name, String state, double percentDone, long rowsDone, long rowsRemainingEstimate,
		double rowsPerSecond, long etaSeconds, long batches, int batchSize, @Nullable String lastKey,
		@Nullable Long jobExecutionId, @Nullable Instant startedAt, @Nullable Instant endedAt, @Nullable String owner,
		@Nullable String exitMessage, double runSeconds, double throttledSeconds, @Nullable DryRunSummary lastDryRun,
		@Nullable VerifySummary lastVerify, @Nullable List<BatchSummary> recentBatches,
		@Nullable List<PartitionSummary> partitions, @Nullable ReadinessSummary readiness,
		@Nullable List<BackfillReport> schemas) {

	/**
	 * Reports on a backfill of one table, as before it could run over schemas.
	 * @param name the backfill name
	 * @param state the latest run's state
	 * @param percentDone rows done as a share, from 0 to 100
	 * @param rowsDone rows changed by the latest run
	 * @param rowsRemainingEstimate rows estimated still to change
	 * @param rowsPerSecond recent rows per second while it works
	 * @param etaSeconds estimated seconds left
	 * @param batches batches committed by the latest run
	 * @param batchSize keys per batch of the latest run
	 * @param lastKey the checkpoint, or {@code null}
	 * @param jobExecutionId the latest run's job execution, or {@code null}
	 * @param startedAt when the latest execution started, or {@code null}
	 * @param endedAt when it ended, or {@code null}
	 * @param owner host and pid running it, or {@code null}
	 * @param exitMessage the latest execution's exit description, or {@code null}
	 * @param runSeconds wall time of the latest run
	 * @param throttledSeconds of which throttles held it
	 * @param lastDryRun the latest dry-run's estimate, or {@code null}
	 * @param lastVerify the latest verify, or {@code null}
	 * @param recentBatches the latest committed batches, or {@code null}
	 * @param partitions the partitions of a run split into partitions, or {@code null}
	 * @param readiness whether the contract step may run, or {@code null}
	 * @since 0.3.0
	 */
	public BackfillReport(String name, String state, double percentDone, long rowsDone, long rowsRemainingEstimate,
			double rowsPerSecond, long etaSeconds, long batches, int batchSize, @Nullable String lastKey,
			@Nullable Long jobExecutionId, @Nullable Instant startedAt, @Nullable Instant endedAt,
			@Nullable String owner, @Nullable String exitMessage, double runSeconds, double throttledSeconds,
			@Nullable DryRunSummary lastDryRun, @Nullable VerifySummary lastVerify,
			@Nullable List<BatchSummary> recentBatches, @Nullable List<PartitionSummary> partitions,
			@Nullable ReadinessSummary readiness) {
		this(name, state, percentDone, rowsDone, rowsRemainingEstimate, rowsPerSecond, etaSeconds, batches, batchSize,
				lastKey, jobExecutionId, startedAt, endedAt, owner, exitMessage, runSeconds, throttledSeconds,
				lastDryRun, lastVerify, recentBatches, partitions, readiness, null);
	}

	/**
	 * A report that does not say whether the backfill is ready.
	 * @since 0.1.0
	 */
	public BackfillReport(String name, String state, double percentDone, long rowsDone, long rowsRemainingEstimate,
			double rowsPerSecond, long etaSeconds, long batches, int batchSize, @Nullable String lastKey,
			@Nullable Long jobExecutionId, @Nullable Instant startedAt, @Nullable Instant endedAt,
			@Nullable String owner, @Nullable String exitMessage, double runSeconds, double throttledSeconds,
			@Nullable DryRunSummary lastDryRun, @Nullable VerifySummary lastVerify,
			@Nullable List<BatchSummary> recentBatches, @Nullable List<PartitionSummary> partitions) {
		this(name, state, percentDone, rowsDone, rowsRemainingEstimate, rowsPerSecond, etaSeconds, batches, batchSize,
				lastKey, jobExecutionId, startedAt, endedAt, owner, exitMessage, runSeconds, throttledSeconds,
				lastDryRun, lastVerify, recentBatches, partitions, null);
	}

	/**
	 * Reports on a backfill.
	 * @param status its status
	 * @param recentBatches its latest committed batches, or {@code null} to leave them
	 * out
	 * @param readiness whether the contract step of its migration may run, or
	 * {@code null} to leave it out
	 * @return the report
	 */
	public static BackfillReport of(BackfillStatus status, @Nullable List<BatchSummary> recentBatches,
			@Nullable Readiness readiness) {
		// a run in one walk has none: left out, as a dry-run or verify never made
		List<PartitionSummary> partitions = status.partitions().isEmpty() ? null
				: status.partitions().stream().map(PartitionSummary::of).toList();
		return new BackfillReport(status.backfill(), status.state().name(), Formats.tenths(100 * status.fractionDone()),
				status.rowsDone(), status.rowsRemainingEstimate(), Formats.tenths(status.rowsPerSecond()),
				status.etaSeconds(), status.batches(), status.batchSize(), status.lastKey(), status.jobExecutionId(),
				status.startedAt(), status.endedAt(), status.owner(), status.exitMessage(),
				Formats.thousandths(status.runSeconds()), Formats.thousandths(status.throttledSeconds()),
				(status.estimate() != null) ? DryRunSummary.of(status) : null,
				(status.verification() != null) ? VerifySummary.of(status.verification()) : null,
				(recentBatches != null) ? List.copyOf(recentBatches) : null, partitions,
				(readiness != null) ? ReadinessSummary.of(readiness) : null, status.schemas().isEmpty() ? null
						: status.schemas().stream().map((s) -> BackfillReport.of(s, null, null)).toList());
	}

	/**
	 * The rate over the latest run's wall time: rows done over the seconds its executions
	 * took, the throttles' holds included, which a rate cap bounds;
	 * {@link #rowsPerSecond()} is the rate while it works, holds left out. Not a JSON
	 * field.
	 * @return rows per second, 0 before the run took any time
	 * @since 0.2.0
	 */
	public double effectiveRowsPerSecond() {
		return (this.runSeconds > 0) ? this.rowsDone / this.runSeconds : 0;
	}

	/**
	 * The latest dry-run's estimate, in brief ({@code backfill dry-run --json} has the
	 * whole of it).
	 *
	 * @param jobExecutionId the dry-run's job execution
	 * @param at when it ended
	 * @param batchSize keys per batch it estimated for
	 * @param adaptive whether the run's batches adapt their size
	 * @param rowsEstimate rows the run changes
	 * @param batches batches the run takes
	 * @param estimatedSeconds predicted wall time
	 * @param estimatedSecondsLow predicted wall time with every batch as fast as the
	 * sample's 10th percentile
	 * @param estimatedSecondsHigh the same as slow as its 90th percentile
	 * @param maxBatchMillis the longest sampled batch transaction
	 * @param idempotent whether a batch applied twice changed nothing the second time, or
	 * {@code null} when unchecked
	 * @param estimateError the estimate's relative error once a run it estimated
	 * completed, or {@code null}
	 * @since 0.1.0
	 */
	public record DryRunSummary(long jobExecutionId, Instant at, int batchSize, boolean adaptive, long rowsEstimate,
			long batches, double estimatedSeconds, double estimatedSecondsLow, double estimatedSecondsHigh,
			long maxBatchMillis, @Nullable Boolean idempotent, @Nullable Double estimateError) {

		static DryRunSummary of(BackfillStatus status) {
			Estimate e = status.estimate();
			return new DryRunSummary(e.jobExecutionId(), e.at(), e.batchSize(), e.adaptive(), e.rowsEstimate(),
					e.batches(), Formats.thousandths(e.estimatedSeconds()),
					Formats.thousandths(e.estimatedSecondsLow()), Formats.thousandths(e.estimatedSecondsHigh()),
					e.maxBatchMillis(), e.idempotent(),
					(status.estimateError() != null) ? Formats.thousandths(status.estimateError()) : null);
		}

	}

	/**
	 * A verify, in brief: the latest one in a report, the one just done in
	 * {@code backfill verify --json}.
	 *
	 * @param jobExecutionId the verify's job execution
	 * @param at when it ended
	 * @param keysChecked keys it went over
	 * @param discrepancies discrepancies it logged
	 * @param passed whether it found nothing wrong
	 * @param checked whether the backfill declares a check of its own, beyond its pending
	 * condition
	 * @param firstKeys up to ten of the discrepant keys
	 * @since 0.1.0
	 */
	public record VerifySummary(long jobExecutionId, Instant at, long keysChecked, long discrepancies, boolean passed,
			boolean checked, List<String> firstKeys) {

		/**
		 * @param v the verify
		 * @return it in brief
		 */
		public static VerifySummary of(Verification v) {
			return new VerifySummary(v.jobExecutionId(), v.at(), v.keysChecked(), v.discrepancies(), v.passed(),
					v.checked(), v.firstKeys());
		}

	}

	/**
	 * Whether the contract step of the backfill's migration may run, as
	 * {@code backfill check} says.
	 *
	 * @param ready whether its latest run completed and a verify after it passed
	 * @param verdict what holds it back, or {@code READY}
	 * @param reason the verdict in words, with what to do next
	 * @since 0.3.0
	 */
	public record ReadinessSummary(boolean ready, String verdict, String reason) {

		/**
		 * @param readiness the backfill's readiness
		 * @return it in brief
		 */
		public static ReadinessSummary of(Readiness readiness) {
			return new ReadinessSummary(readiness.ready(), readiness.verdict().name(), readiness.reason());
		}

	}

	/**
	 * One partition of a run split into partitions, in brief.
	 *
	 * @param partition its number, from 1, in key order
	 * @param range its keys, such as {@code (1000, 2000]}
	 * @param state its state, such as {@code RUNNING}, or {@code WAITING} until a thread
	 * or a worker takes it
	 * @param batches batches it committed
	 * @param rowsDone rows it changed
	 * @param rowsRemainingEstimate rows estimated still to change in its range
	 * @param percentDone rows done as a share of rows done and rows estimated to remain,
	 * from 0 to 100
	 * @param lastKey its checkpoint, or {@code null} before its first batch
	 * @param rowsPerSecond its recent rows per second while it runs, else 0
	 * @param worker host and pid of the process that walks or walked it, or {@code null}
	 * before one took it
	 * @since 0.2.0
	 */
	public record PartitionSummary(int partition, String range, String state, long batches, long rowsDone,
			long rowsRemainingEstimate, double percentDone, @Nullable String lastKey, double rowsPerSecond,
			@Nullable String worker) {

		/**
		 * @param p a partition's status
		 * @return it in brief
		 */
		public static PartitionSummary of(PartitionStatus p) {
			return new PartitionSummary(p.partition(), p.range(), p.state().name(), p.batches(), p.rowsDone(),
					p.rowsRemainingEstimate(), Formats.tenths(100 * fractionDone(p)), p.lastKey(),
					Formats.tenths(p.rowsPerSecond()), p.worker());
		}

		// as BackfillStatus.fractionDone counts the run: the rows remaining are an
		// estimate, so a completed partition, or one that changed rows and found
		// nothing left, counts as all done
		private static double fractionDone(PartitionStatus p) {
			long total = p.rowsDone() + p.rowsRemainingEstimate();
			if (total == 0) {
				return (p.rowsDone() > 0 || p.state() == BackfillState.COMPLETED) ? 1 : 0;
			}
			return (double) p.rowsDone() / total;
		}

	}

}
