package dev.backfill.engine;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.backfill.BackfillThrottle;
import dev.backfill.jdbc.JdbcPauses;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Holds a run before a batch while it is paused or a throttle of its chain holds it, and
 * sees meanwhile whether a stop was asked from another process. Asks from connections
 * outside the batch's transaction, so that no transaction stays open while it waits.
 */
final class ThrottleGate {

	/** The longest single wait: a hold is asked again at least this often. */
	static final long MAX_WAIT_MILLIS = 10_000;

	/** How often a held walk records that it is alive. */
	private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** How often a paused run looks whether it was resumed. */
	private static final Duration PAUSE_LOOK = Duration.ofSeconds(1);

	// the run's lines, under the one name they always had
	private static final Logger logger = LoggerFactory.getLogger(BackfillTasklet.class);

	private final RunPlan plan;

	private final JdbcClient jdbc;

	private final JdbcPauses pauses;

	private final JobRepository jobRepository;

	private final TransactionTemplate outside;

	/**
	 * The run in this process: its stop flag, which a stop asked from another process
	 * sets too, and the rows and application writes of all its partitions.
	 */
	private final RunInProcess run;

	/** The reason of the current hold, or {@code null} while none holds. */
	private @Nullable String throttledBy;

	/**
	 * Who held the run at the hold that was logged last: a run held after every batch by
	 * the same throttle logs it once.
	 */
	private @Nullable String loggedHolder;

	private long throttledNanos;

	/**
	 * When each throttle of the chain is to be asked again ({@link System#nanoTime()}):
	 * after a go-ahead that stands for a while, not before every batch.
	 */
	private final long[] askAgain;

	ThrottleGate(RunPlan plan, JdbcClient jdbc, PlatformTransactionManager transactionManager,
			JobRepository jobRepository, RunInProcess run) {
		this.plan = plan;
		this.jdbc = jdbc;
		this.pauses = new JdbcPauses(jdbc, plan.settings().tablePrefix());
		this.jobRepository = jobRepository;
		this.run = run;
		this.outside = new TransactionTemplate(transactionManager);
		this.outside.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
		this.askAgain = new long[plan.throttles().size()];
		Arrays.fill(this.askAgain, System.nanoTime());
	}

	/**
	 * Asks the pause and the chain before a batch, and waits while one holds, or until a
	 * stop is asked.
	 * @param step the walk's step execution: its job execution's status tells a stop
	 * asked elsewhere, and a long hold saves it now and then, so that its last update
	 * tells a live walk from a hung one
	 * @return how long it was held, 0 when nothing held it
	 * @throws InterruptedException when interrupted while it waits
	 */
	long await(StepExecution step) throws InterruptedException {
		long jobExecutionId = step.getJobExecutionId();
		long start = System.nanoTime();
		long beat = start;
		int holds = 0;
		String heldBy = null;
		while (!this.run.stop().get()) {
			Verdict verdict = Objects.requireNonNull(this.outside.execute((status) -> decide()));
			BackfillThrottle.Decision decision = verdict.decision();
			if (!decision.holds()) {
				break;
			}
			if (!decision.reason().equals(this.throttledBy)) {
				if (!Objects.equals(verdict.holder(), this.loggedHolder)) {
					logger.info("Backfill '{}' holds: {}", this.plan.jobName(), decision.reason());
				}
				else {
					logger.debug("Backfill '{}' holds: {}", this.plan.jobName(), decision.reason());
				}
				this.loggedHolder = verdict.holder();
				this.throttledBy = decision.reason();
			}
			heldBy = verdict.holder();
			long backoff = Math.min(MAX_WAIT_MILLIS, 250L << Math.min(5, holds++));
			long wait = (decision.pause() != null) ? Math.min(MAX_WAIT_MILLIS, decision.pause().toMillis()) : backoff;
			TimeUnit.MILLISECONDS.sleep(wait);
			// a stop asked from another process shows in the job repository, which a held
			// run does not write to
			JobExecution execution = this.outside
				.execute((status) -> this.jobRepository.getJobExecution(jobExecutionId));
			if (execution != null && (execution.getStatus() == BatchStatus.STOPPING
					|| execution.getStatus() == BatchStatus.STOPPED)) {
				this.run.requestStop();
			}
			if (System.nanoTime() - beat > HEARTBEAT_NANOS) {
				// a version check too: a worker taken for dead meanwhile stops here
				this.outside.executeWithoutResult((status) -> this.jobRepository.update(step));
				beat = System.nanoTime();
			}
		}
		long throttled = System.nanoTime() - start;
		if (this.throttledBy != null) {
			// a short rest after every batch (a rate cap, the impact budget) would flood
			// the log
			if (throttled >= 1_000_000_000L) {
				logger.info("Backfill '{}' goes on after {} ms held ({})", this.plan.jobName(), throttled / 1_000_000,
						this.throttledBy);
			}
			else {
				logger.debug("Backfill '{}' goes on after {} ms held ({})", this.plan.jobName(), throttled / 1_000_000,
						this.throttledBy);
			}
			this.throttledBy = null;
		}
		// the checks themselves are part of the batch; only the holds are throttled time
		if (holds == 0) {
			return 0;
		}
		this.throttledNanos += throttled;
		this.plan.listener()
			.onThrottled(this.plan.jobName(), (heldBy != null) ? heldBy : "unknown", Duration.ofNanos(throttled));
		return throttled;
	}

	/**
	 * A batch's work was done since the last look: the foreground's writes meanwhile ran
	 * beside a batch.
	 */
	void batchRan() {
		this.run.batchRan();
	}

	/**
	 * @return seconds the run was held in this process
	 */
	double throttledSeconds() {
		return this.throttledNanos / 1e9;
	}

	private Verdict decide() {
		String name = this.plan.backfill().name();
		JdbcPauses.Look look = this.pauses.look(name);
		JdbcPauses.Pause pause = look.pause();
		if (pause != null) {
			return new Verdict(BackfillThrottle.Decision.hold(String
				.format("paused by %s since %s; 'backfill resume %s' lets it go on", pause.by(), pause.since(), name),
					PAUSE_LOOK), "pause");
		}
		long now = System.nanoTime();
		BackfillThrottle.Foreground foreground = this.run.readForeground(look.xmax(), now);
		BackfillThrottle.Context context = new BackfillThrottle.Context(name, this.plan.shape().table().sql(),
				this.jdbc, this.run.rowsForPace(), this.run.elapsedSeconds(now), foreground);
		List<BackfillThrottle> throttles = this.plan.throttles();
		for (int i = 0; i < throttles.size(); i++) {
			if (now - this.askAgain[i] < 0) {
				// its last go-ahead still stands
				continue;
			}
			BackfillThrottle throttle = throttles.get(i);
			BackfillThrottle.Decision decision = throttle.check(context);
			if (decision.holds()) {
				return new Verdict(decision, throttle.getClass().getSimpleName());
			}
			this.askAgain[i] = (decision.pause() != null) ? now + decision.pause().toNanos() : now;
		}
		return new Verdict(BackfillThrottle.Decision.proceed(), null);
	}

	/**
	 * What the pause and the chain said before a batch.
	 *
	 * @param decision the decision
	 * @param holder who holds: a throttle's simple class name, or {@code pause};
	 * {@code null} when the run proceeds
	 */
	private record Verdict(BackfillThrottle.Decision decision, @Nullable String holder) {
	}

}
