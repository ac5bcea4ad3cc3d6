package dev.backfill;

/**
 * Where a run split into partitions for worker processes ({@code backfill run NAME
 * --remote}) puts each partition for a worker to take. The starter's is a RabbitMQ queue;
 * a worker takes a partition from it and hands it to
 * {@code DefaultBackfillOperator#work}. Only the partition's name in the job repository
 * travels: its range, checkpoint and status are there, and the run's process polls them,
 * so a lost or repeated message loses and repeats nothing.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface PartitionQueue {

	/**
	 * Puts a partition on the queue, for one worker to take.
	 * @param stepName the worker step that walks it
	 * @param stepExecutionId its step execution in the job repository
	 * @throws RuntimeException when the queue cannot be reached; the run tries again
	 */
	void put(String stepName, long stepExecutionId);

	/**
	 * Checks that the queue can be reached now: a run, or a worker, whose queue is out of
	 * reach when it starts fails at once with the reason rather than wait for it. A queue
	 * that goes out of reach during a run (a broker restart) is tried again at each poll.
	 * Does nothing unless implemented.
	 * @throws BackfillException naming what could not be reached and how to fix it
	 */
	default void check() {
	}

}
