package dev.backfill.boot.remote;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import dev.backfill.PartitionQueue;
import dev.backfill.boot.autoconfigure.BackfillProperties;
import dev.backfill.engine.DefaultBackfillOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * This process as a worker of runs handed to worker processes: {@code backfill worker}
 * starts taking partitions from the queue, and the application's shutdown stops it.
 *
 * @since 0.2.0
 */
public final class PartitionWorkers implements SmartLifecycle {

	private final CountDownLatch stopped = new CountDownLatch(1);

	private volatile boolean running;

	private final ApplicationContext context;

	private final String adapter;

	private final BackfillProperties.Remote remote;

	private final ObjectProvider<DefaultBackfillOperator> operator;

	private final PartitionQueue queue;

	private final Duration shutdownTimeout;

	PartitionWorkers(ApplicationContext context, String adapter, BackfillProperties properties, PartitionQueue queue,
			ObjectProvider<DefaultBackfillOperator> operator) {
		this.context = context;
		this.queue = queue;
		this.adapter = adapter;
		this.remote = properties.getRemote();
		this.operator = operator;
		this.shutdownTimeout = properties.getShutdownTimeout();
	}

	/**
	 * Starts taking partitions from the queue.
	 * @throws dev.backfill.BackfillException when the queue cannot be reached
	 */
	@Override
	public void start() {
		if (!this.running) {
			// a worker started against no broker says so and ends, rather than wait
			this.queue.check();
			this.context.getBean(this.adapter, Lifecycle.class).start();
			this.running = true;
		}
	}

	/**
	 * Stops taking partitions, and leaves: the partitions this process walks end after
	 * their batch in flight and go to other workers, before the connection pool closes.
	 */
	@Override
	public void stop() {
		if (this.running) {
			DefaultBackfillOperator engine = this.operator.getIfAvailable();
			// first the word, so that the partitions in flight end after their batch
			// while the queue's consumers stop, which waits for them
			if (engine != null) {
				engine.leave(Duration.ZERO);
			}
			this.context.getBean(this.adapter, Lifecycle.class).stop();
			if (engine != null) {
				engine.leave(this.shutdownTimeout);
			}
		}
		this.stopped.countDown();
	}

	@Override
	public boolean isRunning() {
		return this.running && this.stopped.getCount() > 0;
	}

	// started by the worker command only
	@Override
	public boolean isAutoStartup() {
		return false;
	}

	/** Waits until the application shuts down. */
	public void awaitStop() {
		try {
			this.stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * @return the queue partitions are taken from
	 */
	public String queue() {
		return this.remote.getQueue();
	}

	/**
	 * @return partitions walked at once
	 */
	public int threads() {
		return this.remote.getWorkerThreads();
	}

}
