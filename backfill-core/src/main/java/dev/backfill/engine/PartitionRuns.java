package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

import dev.backfill.BackfillState;
import dev.backfill.PartitionStatus;
import dev.backfill.jdbc.Checkpoint;
import dev.backfill.jdbc.TableKey;
import org.jspecify.annotations.Nullable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The partitions of a run split into partitions, as the job repository holds them: the
 * latest execution of each across the run's restarts (a restart re-runs only those that
 * did not complete), and their sums, which are the run's figures.
 *
 * @param latest the latest execution of each partition, by partition number
 */
record PartitionRuns(Map<Integer, StepExecution> latest) {

	/**
	 * @param executions every execution of the run's job instance
	 * @return its partitions
	 */
	static PartitionRuns of(List<JobExecution> executions) {
		Map<Integer, StepExecution> latest = new TreeMap<>();
		for (JobExecution execution : executions) {
			for (StepExecution step : execution.getStepExecutions()) {
				int partition = PartitionPlan.number(step.getExecutionContext());
				if (partition > 0) {
					latest.merge(partition, step, (a, b) -> (a.getId() > b.getId()) ? a : b);
				}
			}
		}
		return new PartitionRuns(latest);
	}

	/**
	 * @return rows every partition changed, across restarts
	 */
	long rowsDone() {
		return this.latest.values().stream().mapToLong((s) -> checkpoint(s).rowsDone()).sum();
	}

	/**
	 * @return batches every partition committed
	 */
	long batches() {
		return this.latest.values().stream().mapToLong((s) -> checkpoint(s).batches()).sum();
	}

	/**
	 * @return the statistics of the run as a whole: rows left summed (a partition that
	 * has not started counts as many as the mean of those that did: the plan cut them to
	 * about equal pending rows), the rates of the running partitions summed (of every
	 * partition, when none runs), their ETA at that rate; the batch size of the latest
	 * partition to report
	 */
	RunStats stats() {
		long left = 0;
		double rate = 0;
		double rateWhenLast = 0;
		double throttled = 0;
		RunStats last = null;
		int unstarted = 0;
		long startedRows = 0;
		int started = 0;
		for (StepExecution step : this.latest.values()) {
			RunStats stats = RunStats.from(step.getExecutionContext());
			if (stats == null) {
				unstarted += (step.getStatus() == BatchStatus.COMPLETED) ? 0 : 1;
				continue;
			}
			started++;
			startedRows += checkpoint(step).rowsDone() + stats.rowsRemaining();
			boolean running = step.getStatus().isRunning();
			left += (step.getStatus() == BatchStatus.COMPLETED) ? 0 : stats.rowsRemaining();
			rate += running ? stats.rowsPerSecond() : 0;
			rateWhenLast += stats.rowsPerSecond();
			// partitions are held side by side: the run was held as long as its longest
			throttled = Math.max(throttled, stats.throttledSeconds());
			last = stats;
		}
		// the partitions were cut to about equal pending rows: one that no worker took
		// yet has about as many as those that started
		if (started > 0) {
			left += Math.round((double) startedRows / started * unstarted);
		}
		long eta = (rate > 0) ? Math.round(left / rate) : 0;
		// a run with no partition at work (ended, or dead) shows the rate its partitions
		// last had, as a run in one walk does
		return new RunStats(left, (rate > 0) ? rate : rateWhenLast, eta, (last != null) ? last.batchSize() : 0,
				last != null && last.adaptive(), throttled);
	}

	/**
	 * @param keyType the key's type, which reads each partition's range
	 * @param held whether a partition's own lock is held, by its number: a running
	 * partition whose lock is free lost its worker
	 * @return each partition, in key order
	 */
	List<PartitionStatus> statuses(TableKey keyType, IntPredicate held) {
		List<PartitionStatus> statuses = new ArrayList<>();
		for (Map.Entry<Integer, StepExecution> entry : this.latest.entrySet()) {
			StepExecution step = entry.getValue();
			ExecutionContext context = step.getExecutionContext();
			Checkpoint checkpoint = checkpoint(step);
			RunStats stats = RunStats.from(context);
			BackfillState state = state(step, held.test(entry.getKey()));
			Owner owner = Owner.from(context);
			statuses.add(new PartitionStatus(entry.getKey(), PartitionPlan.bounds(context, keyType).toString(), state,
					checkpoint.batches(), checkpoint.rowsDone(),
					(stats != null && state != BackfillState.COMPLETED) ? stats.rowsRemaining() : 0,
					checkpoint.lastKey(), (stats != null && state == BackfillState.RUNNING) ? stats.rowsPerSecond() : 0,
					(owner != null) ? owner.host() + " pid " + owner.pid() : null));
		}
		return statuses;
	}

	private static BackfillState state(StepExecution step, boolean held) {
		return switch (step.getStatus()) {
			case COMPLETED -> BackfillState.COMPLETED;
			case STARTING -> BackfillState.WAITING;
			case STARTED, STOPPING -> held ? BackfillState.RUNNING : BackfillState.DEAD;
			case STOPPED -> BackfillState.STOPPED;
			default -> BackfillState.FAILED;
		};
	}

	private static Checkpoint checkpoint(@Nullable StepExecution step) {
		return (step != null) ? Checkpoint.from(step.getExecutionContext()) : Checkpoint.START;
	}

}
