package dev.backfill.engine;

import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobExecutionException;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Creates the executions of a run's partitions, named {@code partition:pNNNN} as Spring
 * Batch's own splitter names them: a new run gets one per partition of its plan, and a
 * restart one per partition that did not complete, from the context its executions saved
 * last.
 * <p>
 * Unlike Spring Batch's splitter, a restart never takes that context from an execution
 * that names no partition. The job repository creates an execution, with an empty
 * context, in a transaction of its own, and its context is saved in the next: a process
 * that died between the two (here, or while handing a partition out again to another
 * worker) left such an execution, and its empty context would walk the whole table. The
 * context comes from the partition's last execution that saved one, or else from the
 * plan; the walk then resumes after the batch log's last row for the partition, which
 * commits with every batch.
 */
final class PartitionSplitter implements StepExecutionSplitter {

	private static final Logger logger = LoggerFactory.getLogger(PartitionSplitter.class);

	private final JobRepository jobRepository;

	private final WalkPartitioner partitioner;

	PartitionSplitter(JobRepository jobRepository, WalkPartitioner partitioner) {
		this.jobRepository = jobRepository;
		this.partitioner = partitioner;
	}

	@Override
	public String getStepName() {
		return JobNames.PARTITION_STEP;
	}

	@Override
	public Set<StepExecution> split(StepExecution manager, int gridSize) throws JobExecutionException {
		JobExecution job = manager.getJobExecution();
		Set<StepExecution> partitions = new HashSet<>();
		for (Map.Entry<String, ExecutionContext> planned : this.partitioner.partition(gridSize).entrySet()) {
			String stepName = JobNames.partitionStep(planned.getKey());
			StepExecution last = this.jobRepository.getLastStepExecution(job.getJobInstance(), stepName);
			ExecutionContext context = planned.getValue();
			if (last != null) {
				if (last.getStatus() == BatchStatus.COMPLETED) {
					continue;
				}
				if (last.getStatus() != BatchStatus.FAILED && last.getStatus() != BatchStatus.STOPPED) {
					// what Spring Batch refuses too: the recovery before a restart marks
					// every execution left running failed
					throw new JobExecutionException("Cannot restart " + stepName + " from " + last.getStatus()
							+ " (execution " + last.getId() + "): it may still run elsewhere");
				}
				context = saved(job.getJobInstance(), stepName, last).orElseGet(() -> {
					logger.warn("Backfill '{}' {}: no execution saved its context (a process died between creating "
							+ "it and saving it); it is taken from the plan, and the walk resumes after the batch "
							+ "log", job.getJobInstance().getJobName(), stepName);
					return planned.getValue();
				});
			}
			StepExecution partition = this.jobRepository.createStepExecution(stepName, job);
			partition.setExecutionContext(new ExecutionContext(context));
			this.jobRepository.updateExecutionContext(partition);
			partitions.add(partition);
		}
		return partitions;
	}

	// the context of the partition's last execution that has one: the last one's, unless
	// it was cut short before it was saved
	private Optional<ExecutionContext> saved(JobInstance instance, String stepName, StepExecution last) {
		if (PartitionPlan.number(last.getExecutionContext()) > 0) {
			return Optional.of(last.getExecutionContext());
		}
		return this.jobRepository.getJobExecutions(instance)
			.stream()
			.flatMap((execution) -> execution.getStepExecutions().stream())
			.filter((step) -> step.getStepName().equals(stepName))
			.filter((step) -> PartitionPlan.number(step.getExecutionContext()) > 0)
			.max(Comparator.comparing(StepExecution::getCreateTime).thenComparing(StepExecution::getId))
			.map(StepExecution::getExecutionContext);
	}

}
