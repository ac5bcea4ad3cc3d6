package dev.backfill.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.backfill.Backfill;
import dev.backfill.BackfillAlreadyRunningException;
import dev.backfill.BackfillException;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillOrderException;
import dev.backfill.BackfillResult;
import dev.backfill.BackfillState;
import dev.backfill.BackfillStatus;
import dev.backfill.InvalidBackfillException;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the backfills named by {@code backfill.run-on-startup} once the application is
 * ready, one after another on a thread of their own, a backfill after those it runs
 * {@link Backfill#after() after}; one whose latest run completed, or was rolled back, is
 * not run again. Each run takes the backfill's run lock as every run does, so of a fleet
 * started together one instance runs each backfill and the others see it running and
 * carry on; a run stopped or crashed resumes from its checkpoint at the next start. The
 * application's shutdown stops the run after its batch in flight, also one that was just
 * starting, and no further one starts. A {@code backfill} command runs none.
 *
 * @since 0.3.0
 */
public class StartupRuns
		implements ApplicationListener<ApplicationReadyEvent>, SmartLifecycle, ApplicationContextAware {

	private static final Logger logger = LoggerFactory.getLogger(StartupRuns.class);

	private final BackfillOperator operator;

	private final List<String> names;

	private final Duration shutdownTimeout;

	private volatile boolean closing;

	private volatile boolean running;

	private volatile @Nullable Thread thread;

	private @Nullable ApplicationContext context;

	/**
	 * @param operator runs the backfills
	 * @param names the backfills to run, as configured
	 * @param shutdownTimeout longest wait, at shutdown, for the run going on to stop
	 * @throws InvalidBackfillException when a name is not declared
	 */
	public StartupRuns(BackfillOperator operator, List<String> names, Duration shutdownTimeout) {
		this.operator = operator;
		this.names = inOrder(operator.backfills(), names);
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * @return the backfills to run, each after those it runs after
	 */
	public List<String> names() {
		return this.names;
	}

	@Override
	public void setApplicationContext(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public synchronized void onApplicationEvent(ApplicationReadyEvent ready) {
		// this application's own start, once, and not a command's
		if (ready.getApplicationContext() != this.context || this.thread != null || this.closing || this.names.isEmpty()
				|| command(ready.getArgs())) {
			return;
		}
		Thread runs = new Thread(this::runAll, "backfill-startup");
		// a run that would not stop does not hold the JVM's exit: its batch rolls back
		runs.setDaemon(true);
		this.thread = runs;
		runs.start();
	}

	@Override
	public void start() {
		this.running = true;
	}

	// stopped with the other runs (BackfillShutdown), before the pool closes; stops again
	// until the thread ends, so that a run that was just taking its lock when the
	// shutdown began is stopped too
	@Override
	public void stop() {
		this.closing = true;
		Thread runs = this.thread;
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		try {
			while (runs != null && runs.isAlive() && System.nanoTime() < deadline) {
				this.operator.stopAll(Duration.ofSeconds(1));
				runs.join(200);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

	private static boolean command(String[] args) {
		List<String> words = new DefaultApplicationArguments(args).getNonOptionArgs();
		return !words.isEmpty() && words.get(0).equals("backfill");
	}

	private void runAll() {
		logger.info("Backfills to run on startup (backfill.run-on-startup): {}", String.join(", ", this.names));
		for (String name : this.names) {
			if (this.closing) {
				return;
			}
			try {
				for (String walk : toRun(this.operator.status(name))) {
					if (this.closing || !startup(walk)) {
						return;
					}
				}
			}
			catch (BackfillAlreadyRunningException ex) {
				logger.info("Backfill '{}' runs in another process; this one carries on ({})", name, ex.getMessage());
			}
			catch (BackfillOrderException ex) {
				logger.warn("Backfill '{}' not run on startup: {} The next start tries again.", name, ex.getMessage());
			}
			catch (BackfillException ex) {
				logger.error("Backfill '{}' run on startup failed: {} The next start resumes it.", name,
						ex.getMessage());
			}
			catch (RuntimeException ex) {
				if (this.closing) {
					return;
				}
				logger.error("Backfill '{}' run on startup failed; the next start resumes it", name, ex);
			}
		}
	}

	/**
	 * What a start runs of a backfill: itself, or for a declaration over schemas each of
	 * its schemas' walks on its own (so that one rolled back stays so when another is
	 * added); never one whose run completed (each start would walk the whole table again
	 * for rows it cannot have left: 'backfill run' does that when asked), nor one rolled
	 * back (undone on purpose: a restart must not do it again).
	 * @param declared the backfill's status
	 * @return the names to run, in order
	 */
	public static List<String> toRun(BackfillStatus declared) {
		List<BackfillStatus> walks = declared.schemas().isEmpty() ? List.of(declared) : declared.schemas();
		List<String> names = new ArrayList<>();
		for (BackfillStatus status : walks) {
			String name = status.backfill();
			if (status.state() == BackfillState.COMPLETED) {
				logger.info("Backfill '{}' completed {}; not run again on startup", name, status.endedAt());
			}
			else if (status.state() == BackfillState.ROLLED_BACK) {
				logger.info("Backfill '{}' was rolled back {}; not run on startup ('backfill run {}' runs it again)",
						name, status.endedAt(), name);
			}
			else {
				names.add(name);
			}
		}
		return names;
	}

	// false when the rest must wait: it was stopped (a stop asked of it, or the shutdown)
	private boolean startup(String name) {
		BackfillResult result = this.operator.run(name, RunOptions.defaults(), ProgressListener.NONE);
		logger.info("Backfill '{}' run on startup ended {}: {} rows in {} batches{}", name, result.state(),
				result.rows(), result.batches(),
				(result.state() == BackfillState.COMPLETED) ? "" : "; the next start resumes it");
		return result.state() != BackfillState.STOPPED;
	}

	// the declared names, each after the listed ones it runs after
	private static List<String> inOrder(List<Backfill> declared, List<String> names) {
		Map<String, Backfill> byName = declared.stream().collect(Collectors.toMap(Backfill::name, Function.identity()));
		for (String name : names) {
			if (!byName.containsKey(name)) {
				throw new InvalidBackfillException("backfill.run-on-startup names '" + name
						+ "', which is not declared. Declared backfills: "
						+ String.join(", ", byName.keySet().stream().sorted().toList()) + ". Correct the property.");
			}
		}
		Set<String> listed = new LinkedHashSet<>(names);
		Set<String> ordered = new LinkedHashSet<>();
		for (String name : listed) {
			visit(name, byName, listed, ordered);
		}
		return new ArrayList<>(ordered);
	}

	// the declarations have no cycle (Backfills refuses one)
	private static void visit(String name, Map<String, Backfill> byName, Set<String> listed, Set<String> ordered) {
		if (ordered.contains(name)) {
			return;
		}
		for (String before : byName.get(name).after()) {
			if (listed.contains(before)) {
				visit(before, byName, listed, ordered);
			}
		}
		ordered.add(name);
	}

}
