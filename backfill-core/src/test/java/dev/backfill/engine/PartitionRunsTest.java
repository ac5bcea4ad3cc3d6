package dev.backfill.engine;

import java.util.List;

import dev.backfill.jdbc.Checkpoint;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures of a run split into partitions, as the job repository holds them while some
 * partitions have not started: the run's rows left are not those of the started
 * partitions alone.
 */
class PartitionRunsTest {

	private final JobExecution job = new JobExecution(1, new JobInstance(1, "counted"), new JobParameters());

	@Test
	void aPartitionNotStartedCountsAsManyRowsAsTheMeanOfThoseThatDid() {
		StepExecution first = partition(1, BatchStatus.STARTED, 400, 5_600);
		StepExecution second = partition(2, BatchStatus.STARTED, 800, 5_200);
		StepExecution waiting = partition(3, BatchStatus.STARTING, -1, -1);
		StepExecution taken = partition(4, BatchStatus.STARTED, -1, -1);
		PartitionRuns runs = PartitionRuns.of(List.of(this.job));
		assertThat(runs.latest()).containsValues(first, second, waiting, taken);
		// two partitions of 6,000 rows started; two more of about 6,000 each are to come
		assertThat(runs.rowsDone() + runs.stats().rowsRemaining()).isEqualTo(24_000);
	}

	@Test
	void aCompletedPartitionCountsNoRowsLeft() {
		partition(1, BatchStatus.COMPLETED, 6_000, 0);
		partition(2, BatchStatus.STARTED, 3_000, 3_000);
		PartitionRuns runs = PartitionRuns.of(List.of(this.job));
		assertThat(runs.stats().rowsRemaining()).isEqualTo(3_000);
		assertThat(runs.rowsDone()).isEqualTo(9_000);
	}

	// rowsDone below 0: no batch committed yet, so no checkpoint and no statistics
	private StepExecution partition(int number, BatchStatus status, long rowsDone, long rowsLeft) {
		StepExecution step = new StepExecution(number, JobNames.PARTITION_STEP + ":p000" + number, this.job);
		step.setStatus(status);
		step.getExecutionContext().putInt(PartitionPlan.NUMBER, number);
		if (rowsDone >= 0) {
			new Checkpoint(String.valueOf(number * 1000), 1, rowsDone, rowsDone).writeTo(step.getExecutionContext());
			new RunStats(rowsLeft, 1_000, 1, 500, false, 0).writeTo(step.getExecutionContext());
		}
		this.job.addStepExecution(step);
		return step;
	}

}
