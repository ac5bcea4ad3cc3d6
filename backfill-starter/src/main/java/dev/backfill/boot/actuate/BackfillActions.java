package dev.backfill.boot.actuate;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.backfill.Backfill;
import dev.backfill.BackfillAlreadyRunningException;
import dev.backfill.BackfillException;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillResult;
import dev.backfill.BackfillState;
import dev.backfill.BackfillStatus;
import dev.backfill.DryRunOptions;
import dev.backfill.Estimate;
import dev.backfill.NoSuchBackfillException;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;
import dev.backfill.Verification;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * The actions the {@code backfills} endpoint takes on a backfill, by name. {@code start},
 * {@code dry-run}, {@code verify} and {@code rollback} run on a thread of their own and
 * answer at once; {@code stop}, {@code pause} and {@code resume} act through the job
 * repository and the pause flag, so they reach a run in any process.
 *
 * @since 0.1.0
 */
public class BackfillActions {

	private static final Logger logger = LoggerFactory.getLogger(BackfillActions.class);

	// a run or dry-run started in the background is waited for this long, so that what
	// fails at once (already
	// running, an invalid declaration, an empty table) is answered to the caller rather
	// than only logged
	private static final Duration QUICK_FAILURE = Duration.ofMillis(500);

	private final Map<String, Action> actions = new LinkedHashMap<>();

	private final BackfillOperator operator;

	private final SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("backfill-endpoint-");

	// what this application runs in the background, by backfill: a dry-run and a run must
	// not overlap
	private final Map<String, String> inFlight = new ConcurrentHashMap<>();

	// the latest work started in the background, by backfill: how a failure nobody waited
	// for is seen
	private final Map<String, BackgroundWork> latest = new ConcurrentHashMap<>();

	/**
	 * Creates the actions.
	 * @param operator the operator over the declared backfills
	 * @param dryRunOptions the options of a dry-run, read when one starts
	 */
	public BackfillActions(BackfillOperator operator, Supplier<DryRunOptions> dryRunOptions) {
		this.operator = operator;
		// the application's shutdown stops its runs (BackfillShutdown); these threads
		// must not keep the JVM alive
		this.executor.setDaemon(true);
		this.actions.put("start", (name, by) -> inBackground(name, "start", "run", by,
				() -> describe(operator.run(name, RunOptions.defaults(), ProgressListener.NONE))));
		this.actions.put("stop", (name, by) -> done(name, "stop", operator.stop(name)
				? "asked to stop: it stops once its batch in flight has committed" : "not running: nothing to stop"));
		this.actions.put("pause", (name, by) -> {
			operator.pause(name, by);
			return done(name, "pause", "paused: its run holds before its next batch until it is resumed");
		});
		this.actions.put("resume", (name, by) -> done(name, "resume",
				operator.resume(name) ? "resumed: its run takes its next batch within a second" : "was not paused"));
		this.actions.put("dry-run", (name, by) -> inBackground(name, "dry-run", "dry-run", by,
				() -> describe(operator.dryRun(name, dryRunOptions.get()))));
		this.actions.put("verify",
				(name, by) -> inBackground(name, "verify", "verify", by, () -> describe(operator.verify(name))));
		this.actions.put("rollback", (name, by) -> inBackground(name, "rollback", "rollback", by,
				() -> describe(operator.rollback(name, ProgressListener.NONE))));
	}

	/**
	 * The latest work this application started in the background on a backfill, going on
	 * or ended, with its outcome: how a run or dry-run that failed after the action was
	 * answered shows, besides the log.
	 * @param name the backfill name
	 * @return the work, or {@code null} when none was started since the application
	 * started
	 */
	public @Nullable BackgroundWork latest(String name) {
		return this.latest.get(name);
	}

	/**
	 * @return the names of the actions, such as {@code start}
	 */
	public Set<String> names() {
		return this.actions.keySet();
	}

	/**
	 * Takes an action on a backfill.
	 * @param name the backfill name
	 * @param action the action's name, such as {@code start}
	 * @param by who asks, for the logs and the pause flag
	 * @return what was done
	 * @throws NoSuchBackfillException when no backfill has that name
	 * @throws InvalidEndpointRequestException when no action has that name
	 * @throws BackfillAlreadyRunningException when starting a backfill that runs
	 * @throws BackfillException when the work failed at once
	 */
	public ActionResult perform(String name, @Nullable String action, String by) {
		if (this.operator.backfills().stream().map(Backfill::name).noneMatch(name::equals)) {
			throw new NoSuchBackfillException(name, this.operator.backfills().stream().map(Backfill::name).toList());
		}
		Action chosen = (action != null) ? this.actions.get(action) : null;
		if (chosen == null) {
			String valid = String.join(", ", this.actions.keySet());
			throw new InvalidEndpointRequestException(
					((action != null) ? "Unknown action '" + action + "'" : "No action given") + ". Valid actions: "
							+ valid + ", such as {\"action\": \"start\"}.",
					"Valid actions: " + valid);
		}
		logger.info("Backfill '{}': {} asked by {}", name, action, by);
		return chosen.perform(name, by);
	}

	// the work is a run or a dry-run: what the answers and the logs call it
	private ActionResult inBackground(String name, String action, String work, String by, Supplier<Finished> task) {
		BackfillStatus status = this.operator.status(name);
		if (status.state() == BackfillState.RUNNING || status.state() == BackfillState.PAUSED) {
			throw new BackfillAlreadyRunningException(name,
					(status.owner() != null) ? status.owner() : "another process");
		}
		String running = "this application (" + work + " asked by " + by + " at "
				+ Instant.now().truncatedTo(ChronoUnit.SECONDS) + ")";
		String other = this.inFlight.putIfAbsent(name, running);
		if (other != null) {
			throw new BackfillAlreadyRunningException(name, other);
		}
		BackgroundWork started = new BackgroundWork(action, by, Instant.now(), null, null, false);
		this.latest.put(name, started);
		CompletableFuture<Finished> future = CompletableFuture.supplyAsync(task, this.executor);
		future.whenComplete((finished, failure) -> {
			// the outcome first, and only over this work's own entry: newer work cannot
			// start before it is kept
			this.latest.computeIfPresent(name,
					(key, kept) -> (kept == started) ? started.ended(finished, failure) : kept);
			this.inFlight.remove(name, running);
		});
		try {
			return done(name, action, future.get(QUICK_FAILURE.toMillis(), TimeUnit.MILLISECONDS).message());
		}
		catch (TimeoutException ex) {
			// from now on nobody waits for it: a failure is reported once, in the log
			future.exceptionally((failure) -> {
				Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
				if (cause instanceof BackfillException) {
					logger.warn("Backfill '{}': {} asked by {} failed: {}", name, work, by, cause.getMessage());
				}
				else {
					logger.error("Backfill '{}': {} asked by {} failed", name, work, by, cause);
				}
				return null;
			});
			return new ActionResult(name, action, work + " started; GET backfills/" + name + " shows its progress",
					true);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new ActionResult(name, action, work + " started", true);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			throw new BackfillException("Backfill '" + name + "': " + work + " failed: " + ex.getCause(), ex);
		}
	}

	/**
	 * Work an action started in the background.
	 *
	 * @param action the action, such as {@code start}
	 * @param by who asked
	 * @param startedAt when it started
	 * @param endedAt when it ended, or {@code null} while it goes on
	 * @param outcome what it did or why it failed, or {@code null} while it goes on
	 * @param failed whether it failed: it threw, or its run or rollback ended FAILED (a
	 * verify that finds discrepancies did not fail: its outcome counts them)
	 * @since 0.1.0
	 */
	public record BackgroundWork(String action, String by, Instant startedAt, @Nullable Instant endedAt,
			@Nullable String outcome, boolean failed) {

		BackgroundWork ended(@Nullable Finished finished, @Nullable Throwable failure) {
			Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
			if (cause != null || finished == null) {
				String why = (cause instanceof BackfillException) ? cause.getMessage() : String.valueOf(cause);
				return new BackgroundWork(this.action, this.by, this.startedAt, Instant.now(), why, true);
			}
			return new BackgroundWork(this.action, this.by, this.startedAt, Instant.now(), finished.message(),
					finished.failed());
		}

	}

	private static ActionResult done(String name, String action, String message) {
		return new ActionResult(name, action, message, false);
	}

	// what background work ended with, in words
	private record Finished(String message, boolean failed) {
	}

	private static Finished describe(BackfillResult result) {
		if (result.state() == BackfillState.NOTHING_TO_ROLL_BACK) {
			return new Finished("nothing to roll back: no batch was committed since the last rollback", false);
		}
		return new Finished(
				String.format("%s: %,d rows in %,d batches%s", result.state().name().toLowerCase(Locale.ROOT),
						result.rows(), result.batches(), (result.failure() != null) ? ": " + result.failure() : ""),
				result.state() == BackfillState.FAILED);
	}

	private static Finished describe(Verification verification) {
		return new Finished(verification.passed()
				? String.format("verified: %,d keys checked, no discrepancy", verification.keysChecked())
				: String.format("%,d discrepancies in %,d keys checked; first keys %s", verification.discrepancies(),
						verification.keysChecked(), String.join(", ", verification.firstKeys())),
				false);
	}

	private static Finished describe(Estimate estimate) {
		return new Finished(
				String.format("estimated: ~%,.1f s (%,.1f s to %,.1f s) at batch size %,d, longest batch " + "%,d ms",
						estimate.estimatedSeconds(), estimate.estimatedSecondsLow(), estimate.estimatedSecondsHigh(),
						estimate.batchSize(), estimate.maxBatchMillis()),
				false);
	}

	/**
	 * What an action did.
	 *
	 * @param backfill the backfill name
	 * @param action the action's name
	 * @param message what was done, in words
	 * @param inProgress whether it goes on in the background ({@code start},
	 * {@code dry-run}, {@code verify}, {@code rollback})
	 * @since 0.1.0
	 */
	public record ActionResult(String backfill, String action, String message,
			boolean inProgress) implements OperationResponseBody {
	}

	// one action: add one to the constructor's list
	@FunctionalInterface
	private interface Action {

		ActionResult perform(String name, String by);

	}

}
