package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.backfill.jdbc.TableKey;
import org.jspecify.annotations.Nullable;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The key ranges a parallel run splits its walk into, one for each worker step: in key
 * order, each starting where the one before ends, the first with no lower bound and the
 * last with no upper one, so that together they hold every key, whenever it was inserted.
 * Kept in the manager step's {@link ExecutionContext}, so that a restart walks the
 * partitions it planned; each worker's context holds its own partition.
 *
 * @param partitions the ranges, in key order
 */
record PartitionPlan(List<WalkBounds> partitions) {

	/** Context key of the number of partitions, an {@code int}. */
	static final String PARTITIONS = "backfill.partitions";

	/** Prefix of a partition's keys in the plan: {@code backfill.partition.N.from}. */
	private static final String PARTITION = "backfill.partition.";

	/** Context key of a worker's partition number (from 1), an {@code int}. */
	static final String NUMBER = "backfill.partition.number";

	/** Context key of a worker's exclusive lower bound, as text; absent for none. */
	static final String FROM = "backfill.partition.from";

	/** Context key of {@code "true"} when a worker's lower bound is itself its key. */
	static final String FROM_INCLUDED = "backfill.partition.fromIncluded";

	/** Context key of a worker's inclusive upper bound, as text; absent for none. */
	static final String UNTIL = "backfill.partition.until";

	PartitionPlan {
		if (partitions.isEmpty()) {
			throw new IllegalArgumentException("A partition plan needs at least one partition");
		}
		partitions = List.copyOf(partitions);
	}

	/**
	 * A plan of partitions that cover every key, each starting where the one before it
	 * ends: a run's. (A rollback's partitions are the stretches of keys its runs
	 * committed, with gaps between them.)
	 * @param partitions the partitions in key order
	 * @return the plan
	 * @throws IllegalArgumentException when they leave a gap or do not reach both ends
	 */
	static PartitionPlan covering(List<WalkBounds> partitions) {
		if (partitions.isEmpty()) {
			throw new IllegalArgumentException("A partition plan needs at least one partition");
		}
		if (partitions.get(0).from() != null || partitions.get(partitions.size() - 1).until() != null) {
			throw new IllegalArgumentException("Partitions must start at the smallest key and end at the last, not "
					+ partitions.get(0) + " ... " + partitions.get(partitions.size() - 1));
		}
		for (int i = 1; i < partitions.size(); i++) {
			WalkBounds before = partitions.get(i - 1);
			WalkBounds next = partitions.get(i);
			if (before.until() == null || !Objects.equals(before.until(), next.from()) || next.fromIncluded()) {
				throw new IllegalArgumentException(
						"Partition " + (i + 1) + " " + next + " does not start where partition " + i + " " + before
								+ " ends: partitions must be contiguous");
			}
		}
		return new PartitionPlan(partitions);
	}

	/**
	 * The plan that cuts the keys after each cut.
	 * @param cuts the last key of each partition but the last, in key order, distinct
	 * @return the plan of {@code cuts.size() + 1} partitions
	 */
	static PartitionPlan of(List<Object> cuts) {
		List<WalkBounds> partitions = new ArrayList<>(cuts.size() + 1);
		Object from = null;
		for (Object cut : cuts) {
			partitions.add(new WalkBounds(from, false, cut));
			from = cut;
		}
		partitions.add(new WalkBounds(from, false, null));
		return covering(partitions);
	}

	/**
	 * Reads the plan from a manager step's context.
	 * @param context the step execution context
	 * @param keyType the type of the key column, which parses the bounds
	 * @return the plan, or {@code null} when the context holds none
	 */
	static @Nullable PartitionPlan from(ExecutionContext context, TableKey keyType) {
		if (!context.containsKey(PARTITIONS)) {
			return null;
		}
		List<WalkBounds> partitions = new ArrayList<>();
		for (int i = 1; i <= context.getInt(PARTITIONS); i++) {
			partitions.add(read(context, PARTITION + i + ".", keyType));
		}
		return new PartitionPlan(partitions);
	}

	/**
	 * Writes the plan into a manager step's context.
	 * @param context the step execution context
	 */
	void writeTo(ExecutionContext context) {
		context.putInt(PARTITIONS, this.partitions.size());
		for (int i = 0; i < this.partitions.size(); i++) {
			write(this.partitions.get(i), PARTITION + (i + 1) + ".", context);
		}
	}

	/**
	 * Writes one partition into its worker step's context.
	 * @param number the partition's number, from 1
	 * @param bounds its keys
	 * @param worker the worker step's execution context
	 */
	static void writePartition(int number, WalkBounds bounds, ExecutionContext worker) {
		worker.putInt(NUMBER, number);
		write(bounds, PARTITION, worker);
	}

	/**
	 * @param worker a step's execution context
	 * @return the number of the partition the step walks, from 1; 0 when it walks none
	 */
	static int number(ExecutionContext worker) {
		return worker.containsKey(NUMBER) ? worker.getInt(NUMBER) : 0;
	}

	/**
	 * The partition a step about to walk is given: a partition's execution whose context
	 * was never saved names none, and unbounded it would walk the whole table.
	 * @param step the step execution of a run, a rollback or a verify
	 * @return the number of its partition, from 1; 0 when it walks no partition
	 * @throws IllegalStateException when it is a partition's execution that names none
	 */
	static int numberOf(StepExecution step) {
		int number = number(step.getExecutionContext());
		if (number == 0 && JobNames.isPartitionStep(step.getStepName())) {
			throw new IllegalStateException(
					"Backfill job '" + step.getJobExecution().getJobInstance().getJobName() + "': " + step.getStepName()
							+ " (execution " + step.getId() + ") names no partition in its context; it is not walked");
		}
		return number;
	}

	/**
	 * @param worker a worker step's execution context
	 * @param keyType the type of the key column, which parses the bounds
	 * @return the keys of the partition the step walks
	 */
	static WalkBounds bounds(ExecutionContext worker, TableKey keyType) {
		return read(worker, PARTITION, keyType);
	}

	// a bound is absent for none, as a checkpoint's last key is
	private static void write(WalkBounds bounds, String prefix, ExecutionContext context) {
		if (bounds.from() != null) {
			context.putString(prefix + "from", bounds.from().toString());
		}
		context.putString(prefix + "fromIncluded", String.valueOf(bounds.fromIncluded()));
		if (bounds.until() != null) {
			context.putString(prefix + "until", bounds.until().toString());
		}
	}

	private static WalkBounds read(ExecutionContext context, String prefix, TableKey keyType) {
		String from = context.containsKey(prefix + "from") ? context.getString(prefix + "from") : null;
		String until = context.containsKey(prefix + "until") ? context.getString(prefix + "until") : null;
		return new WalkBounds((from != null) ? keyType.parse(from) : null,
				"true".equals(context.getString(prefix + "fromIncluded", "false")),
				(until != null) ? keyType.parse(until) : null);
	}

}
