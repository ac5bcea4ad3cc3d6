package dev.backfill.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.backfill.jdbc.TableKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Cuts a run's keys into partitions, once: the plan is made when the partitioned step
 * first starts and kept in its execution context, so that a restart hands out the very
 * same ranges (a new plan from newer statistics would leave gaps and overlaps against the
 * partitions that completed). Spring Batch's splitter names the worker executions
 * {@code partition:pNN}, and on a restart re-runs those that did not complete with their
 * own context, checkpoint included.
 */
final class WalkPartitioner implements Partitioner, StepExecutionListener {

	private static final Logger logger = LoggerFactory.getLogger(WalkPartitioner.class);

	private final String name;

	private final TableKey keyType;

	private final Supplier<PartitionPlan> planner;

	private final JobRepository jobRepository;

	private @Nullable PartitionPlan plan;

	/**
	 * @param name the run's job name, for the log
	 * @param keyType the key's type, which reads the plan back
	 * @param planner makes a new plan
	 * @param jobRepository saves the plan with the step
	 */
	WalkPartitioner(String name, TableKey keyType, Supplier<PartitionPlan> planner, JobRepository jobRepository) {
		this.name = name;
		this.keyType = keyType;
		this.planner = planner;
		this.jobRepository = jobRepository;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		ExecutionContext context = stepExecution.getExecutionContext();
		PartitionPlan saved = PartitionPlan.from(context, this.keyType);
		if (saved != null) {
			this.plan = saved;
			logger.info("Backfill '{}' resumes its {} partitions", this.name, saved.partitions().size());
			return;
		}
		PartitionPlan made = this.planner.get();
		made.writeTo(context);
		// saved before any partition exists: a process that dies after this point finds
		// the same plan
		this.jobRepository.updateExecutionContext(stepExecution);
		this.plan = made;
		List<WalkBounds> partitions = made.partitions();
		logger.info("Backfill '{}' is split into {} partitions: {}", this.name, partitions.size(), partitions);
	}

	@Override
	public Map<String, ExecutionContext> partition(int gridSize) {
		PartitionPlan current = this.plan;
		if (current == null) {
			throw new IllegalStateException("Backfill '" + this.name + "' has no partition plan");
		}
		List<WalkBounds> partitions = current.partitions();
		Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
		for (int i = 0; i < partitions.size(); i++) {
			ExecutionContext context = new ExecutionContext();
			PartitionPlan.writePartition(i + 1, partitions.get(i), context);
			contexts.put(JobNames.partitionKey(i + 1), context);
		}
		return contexts;
	}

}
