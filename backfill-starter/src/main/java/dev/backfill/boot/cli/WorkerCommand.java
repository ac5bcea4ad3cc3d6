package dev.backfill.boot.cli;

import java.io.PrintStream;
import java.util.Set;

import dev.backfill.boot.remote.PartitionWorkers;
import org.springframework.beans.factory.ObjectProvider;

/**
 * {@code backfill worker}: takes partitions of runs started with {@code --remote} from
 * the queue and walks them, {@code backfill.remote.worker-threads} at a time, until the
 * process is stopped. Any number of workers may join or leave while a run goes: a
 * partition whose worker left is taken by another from its checkpoint.
 */
final class WorkerCommand implements BackfillCommand {

	private final ObjectProvider<PartitionWorkers> workers;

	WorkerCommand(ObjectProvider<PartitionWorkers> workers) {
		this.workers = workers;
	}

	@Override
	public String name() {
		return "worker";
	}

	@Override
	public String usage() {
		return "worker                       take partitions of runs started with --remote, until stopped";
	}

	@Override
	public int run(CommandLine line, PrintStream out) {
		line.allowOnly(Set.of());
		PartitionWorkers workers = this.workers.getIfAvailable();
		if (workers == null) {
			throw new UsageException("backfill worker needs a RabbitMQ broker: add spring-boot-starter-amqp, "
					+ "spring-integration-amqp and spring-batch-integration to the application, and point "
					+ "spring.rabbitmq.* at the broker the runs use.");
		}
		workers.start();
		out.printf(
				"backfill worker: taking partitions from queue '%s', %d at a time; stop the process to leave "
						+ "(a partition in flight is taken by another worker from its checkpoint)%n",
				workers.queue(), workers.threads());
		out.flush();
		workers.awaitStop();
		return OK;
	}

}
