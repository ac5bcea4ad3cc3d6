package dev.backfill.engine;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The partition a step is given to walk: the one its context names, none for a run in one
 * step, and never the whole table for a partition's execution whose context was not
 * saved, which a run, a rollback and a verify all refuse to walk.
 */
class PartitionPlanTest {

	private final JobExecution job = new JobExecution(7, new JobInstance(3, "counted"), new JobParameters());

	@Test
	void aPartitionsStepWalksThePartitionItsContextNames() {
		StepExecution step = new StepExecution(11, JobNames.partitionStep(JobNames.partitionKey(2)), this.job);
		PartitionPlan.writePartition(2, WalkBounds.ALL, step.getExecutionContext());
		assertThat(PartitionPlan.numberOf(step)).isEqualTo(2);
	}

	@Test
	void aStepOfARunInOneWalkWalksNoPartition() {
		StepExecution step = new StepExecution(12, JobNames.STEP, this.job);
		assertThat(PartitionPlan.numberOf(step)).isZero();
	}

	@Test
	void aPartitionsExecutionWhoseContextWasNeverSavedIsNotWalked() {
		StepExecution step = new StepExecution(13, "partition:p0002", this.job);
		assertThatIllegalStateException().isThrownBy(() -> PartitionPlan.numberOf(step))
			.withMessage("Backfill job 'counted': partition:p0002 (execution 13) names no partition in its context; "
					+ "it is not walked");
	}

}
