package dev.backfill.boot.autoconfigure;

import java.time.Duration;

import dev.backfill.BackfillOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Stops the backfills this application runs when it shuts down (SIGTERM, Ctrl-C, context
 * close): each finishes its batch in flight, commits it with its checkpoint and ends
 * {@code STOPPED}, before the data source closes. Stopped first of all lifecycle beans,
 * so the connection pool is still open while it waits.
 *
 * @since 0.1.0
 */
public class BackfillShutdown implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(BackfillShutdown.class);

	private final BackfillOperator operator;

	private final Duration timeout;

	private volatile boolean running;

	/**
	 * Creates the shutdown.
	 * @param operator the operator whose runs to stop
	 * @param timeout longest wait for the runs to end
	 */
	public BackfillShutdown(BackfillOperator operator, Duration timeout) {
		this.operator = operator;
		this.timeout = timeout;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (!this.operator.stopAll(this.timeout)) {
			logger.warn("Backfill runs did not stop within {}; the next 'backfill run' recovers and resumes them",
					this.timeout);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

}
