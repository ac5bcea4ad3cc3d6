package dev.backfill.boot.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.backfill.BackfillAlreadyRunningException;
import dev.backfill.BackfillException;
import dev.backfill.BackfillOperator;
import dev.backfill.BackgroundWork;
import dev.backfill.DryRunOptions;
import dev.backfill.NoSuchBackfillException;
import dev.backfill.RunOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * The actions the {@code backfills} endpoint takes on a backfill, by name. {@code start},
 * {@code dry-run}, {@code verify} and {@code rollback} are started in the background by
 * the operator ({@link BackfillOperator#start}) and answer at once; {@code stop},
 * {@code pause} and {@code resume} act through the job repository and the pause flag, so
 * they reach a run in any process.
 *
 * @since 0.1.0
 */
public class BackfillActions {

	private static final Logger logger = LoggerFactory.getLogger(BackfillActions.class);

	// background work is waited for this long, so that what fails at once (already
	// running, an invalid declaration, an empty table) is answered to the caller rather
	// than only logged
	private static final Duration QUICK_FAILURE = Duration.ofMillis(500);

	private final Map<String, Action> actions = new LinkedHashMap<>();

	private final BackfillOperator operator;

	/**
	 * Creates the actions.
	 * @param operator the operator over the declared backfills
	 * @param dryRunOptions the options of a dry-run, read when one starts
	 */
	public BackfillActions(BackfillOperator operator, Supplier<DryRunOptions> dryRunOptions) {
		this.operator = operator;
		this.actions.put("start",
				(name, by, options) -> inBackground(name, "start", BackgroundWork.Task.run(options), by));
		this.actions.put("stop", (name, by, options) -> done(name, "stop", operator.stop(name)
				? "asked to stop: it stops once its batch in flight has committed" : "not running: nothing to stop"));
		this.actions.put("pause", (name, by, options) -> {
			operator.pause(name, by);
			return done(name, "pause", "paused: its run holds before its next batch until it is resumed");
		});
		this.actions.put("resume", (name, by, options) -> done(name, "resume",
				operator.resume(name) ? "resumed: its run takes its next batch within a second" : "was not paused"));
		this.actions.put("dry-run", (name, by, options) -> inBackground(name, "dry-run",
				BackgroundWork.Task.dryRun(dryRunOptions.get()), by));
		this.actions.put("verify",
				(name, by, options) -> inBackground(name, "verify", BackgroundWork.Task.verify(), by));
		this.actions.put("rollback",
				(name, by, options) -> inBackground(name, "rollback", BackgroundWork.Task.rollback(), by));
	}

	/**
	 * The latest work the operator started in the background on a backfill, going on or
	 * ended, with its outcome: how a run or dry-run that failed after the action was
	 * answered shows, besides the log.
	 * @param name the backfill name
	 * @return the work, or {@code null} when none was started since the application
	 * started
	 * @throws NoSuchBackfillException when no backfill has that name
	 */
	public @Nullable Background latest(String name) {
		BackgroundWork work = this.operator.lastStarted(name);
		return (work != null) ? Background.of(work) : null;
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
		return perform(name, action, by, RunOptions.defaults());
	}

	/**
	 * Takes an action on a backfill, a start with options: the partitions of the run, and
	 * whether worker processes walk them.
	 * @param name the backfill name
	 * @param action the action's name, such as {@code start}
	 * @param by who asks, for the logs and the pause flag
	 * @param options the options of a start; the other actions leave them
	 * @return what was done
	 * @throws NoSuchBackfillException when no backfill has that name
	 * @throws InvalidEndpointRequestException when no action has that name
	 * @throws BackfillAlreadyRunningException when starting a backfill that runs
	 * @throws BackfillException when the work failed at once
	 * @since 0.2.0
	 */
	public ActionResult perform(String name, @Nullable String action, String by, RunOptions options) {
		// the name first: an unknown backfill is a 404 whatever the action
		this.operator.lastStarted(name);
		Action chosen = (action != null) ? this.actions.get(action) : null;
		if (chosen == null) {
			String valid = String.join(", ", this.actions.keySet());
			throw new InvalidEndpointRequestException(
					((action != null) ? "Unknown action '" + action + "'" : "No action given") + ". Valid actions: "
							+ valid + ", such as {\"action\": \"start\"}.",
					"Valid actions: " + valid);
		}
		logger.info("Backfill '{}': {} asked by {}", name, action, by);
		return chosen.perform(name, by, options);
	}

	private ActionResult inBackground(String name, String action, BackgroundWork.Task task, String by) {
		BackgroundWork work = this.operator.start(name, task, by);
		try {
			BackgroundWork.Outcome outcome = work.await(QUICK_FAILURE);
			if (outcome != null) {
				return done(name, action, outcome.message());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return new ActionResult(name, action,
				task.kind().word() + " started; GET backfills/" + name + " shows its progress", true);
	}

	private static ActionResult done(String name, String action, String message) {
		return new ActionResult(name, action, message, false);
	}

	/**
	 * Work an action started in the background, as the endpoint shows it.
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
	public record Background(String action, String by, Instant startedAt, @Nullable Instant endedAt,
			@Nullable String outcome, boolean failed) {

		static Background of(BackgroundWork work) {
			BackgroundWork.Outcome outcome = work.outcome();
			// the endpoint's action that starts a run is called start
			String action = (work.task().kind() == BackgroundWork.Kind.RUN) ? "start" : work.task().kind().word();
			return new Background(action, work.by(), work.startedAt(), (outcome != null) ? outcome.endedAt() : null,
					(outcome != null) ? outcome.message() : null, outcome != null && outcome.failed());
		}

	}

	/**
	 * What an action did.
	 *
	 * @param name the backfill name
	 * @param action the action's name
	 * @param message what was done, in words
	 * @param inProgress whether it goes on in the background ({@code start},
	 * {@code dry-run}, {@code verify}, {@code rollback})
	 * @since 0.1.0
	 */
	public record ActionResult(String name, String action, String message,
			boolean inProgress) implements OperationResponseBody {
	}

	// one action: add one to the constructor's list
	@FunctionalInterface
	private interface Action {

		ActionResult perform(String name, String by, RunOptions options);

	}

}
