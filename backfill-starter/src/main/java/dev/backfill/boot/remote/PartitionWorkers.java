package dev.backfill.boot.remote;

import java.util.concurrent.CountDownLatch;

import dev.backfill.boot.autoconfigure.BackfillProperties;
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

	PartitionWorkers(ApplicationContext context, String adapter, BackfillProperties.Remote remote) {
		this.context = context;
		this.adapter = adapter;
		this.remote = remote;
	}

	/** Starts taking partitions from the queue. */
	@Override
	public void start() {
		if (!this.running) {
			this.context.getBean(this.adapter, Lifecycle.class).start();
			this.running = true;
		}
	}

	/** Stops taking partitions: the application shuts down. */
	@Override
	public void stop() {
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
