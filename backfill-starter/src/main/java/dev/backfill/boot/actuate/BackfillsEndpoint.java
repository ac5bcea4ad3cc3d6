package dev.backfill.boot.actuate;

import java.util.List;

import dev.backfill.Backfill;
import dev.backfill.BackfillAlreadyRunningException;
import dev.backfill.BackfillException;
import dev.backfill.NoSuchBackfillException;
import dev.backfill.RunOptions;
import dev.backfill.boot.report.BackfillReport;
import dev.backfill.boot.report.BackfillReports;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code backfills} Actuator endpoint: every backfill's state, progress, rate, ETA,
 * latest dry-run and verify; one backfill's recent batches; and actions on one backfill
 * ({@link BackfillActions}).
 *
 * @since 0.1.0
 */
@Endpoint(id = "backfills")
public class BackfillsEndpoint {

	private final BackfillReports reports;

	private final BackfillActions actions;

	private final ActionAccess access;

	/**
	 * Creates the endpoint.
	 * @param reports reads what the endpoint shows
	 * @param actions what it can do
	 * @param parallelism for a start, the partitions of a new run (its configured or
	 * declared parallelism when absent)
	 * @param remote for a start, whether worker processes walk the partitions
	 * @param access who may act
	 */
	public BackfillsEndpoint(BackfillReports reports, BackfillActions actions, ActionAccess access) {
		this.reports = reports;
		this.actions = actions;
		this.access = access;
	}

	/**
	 * @return every backfill, in name order, without batches
	 */
	@ReadOperation
	public BackfillsDescriptor backfills() {
		return new BackfillsDescriptor(this.reports.all(false));
	}

	/**
	 * @param name the backfill name
	 * @return the backfill, with its recent batches and the latest work the operator
	 * started on it in the background
	 * @throws NoSuchBackfillException when no backfill has that name
	 */
	@ReadOperation
	public BackfillDescriptor backfill(@Selector String name) {
		// the work first: when it shows as ended, the report read after it shows what the
		// work left
		BackfillActions.@Nullable Background background = this.actions.latest(name);
		return new BackfillDescriptor(this.reports.one(name), background);
	}

	/**
	 * Takes an action on a backfill, asked over JMX: HTTP goes through
	 * {@link BackfillsEndpointWebExtension}.
	 * @param securityContext who asks: Actuator passes {@link SecurityContext#NONE} over
	 * JMX
	 * @param name the backfill name
	 * @param action what to do: one of {@link BackfillActions#names()}
	 * @return what was done
	 * @throws NoSuchBackfillException when no backfill has that name
	 * @throws InvalidEndpointRequestException when no action has that name
	 * @throws BackfillAlreadyRunningException when starting a backfill that runs
	 * @throws BackfillException when the work failed at once
	 * @throws ActionsRefusedException when the caller may not act
	 * ({@link ActionAccess#overJmx}), before anything else is checked
	 */
	@WriteOperation
	public BackfillActions.ActionResult act(SecurityContext securityContext, @Selector String name,
			@Nullable String action, @Nullable Integer parallelism, @Nullable Boolean remote) {
		return this.actions.perform(name, action,
				this.access.overJmx(securityContext.getPrincipal(), securityContext::isUserInRole, name, action),
				options(parallelism, remote));
	}

	// the web extension's action: the same, with the request's user
	BackfillActions.ActionResult actOverHttp(SecurityContext securityContext, String name, @Nullable String action,
			@Nullable Integer parallelism, @Nullable Boolean remote) {
		return this.actions.perform(name, action,
				this.access.overHttp(securityContext.getPrincipal(), securityContext::isUserInRole, name, action),
				options(parallelism, remote));
	}

	// a start's partitions, and whether worker processes walk them
	private static RunOptions options(@Nullable Integer parallelism, @Nullable Boolean remote) {
		int partitions = (parallelism != null) ? parallelism : 0;
		if (partitions < 0 || partitions > Backfill.MAX_PARALLELISM) {
			throw new InvalidEndpointRequestException(
					"parallelism " + partitions + " is not valid: give from 1 to " + Backfill.MAX_PARALLELISM
							+ " partitions, such as {\"action\": \"start\", \"parallelism\": 8}.",
					"parallelism from 1 to " + Backfill.MAX_PARALLELISM);
		}
		return new RunOptions(0, partitions, Boolean.TRUE.equals(remote));
	}

	/**
	 * Every backfill.
	 *
	 * @param backfills one report per backfill, in name order
	 * @since 0.1.0
	 */
	public record BackfillsDescriptor(List<BackfillReport> backfills) implements OperationResponseBody {
	}

	/**
	 * One backfill.
	 *
	 * @param backfill its report, with its recent batches
	 * @param background the latest run, dry-run, verify or rollback the operator started
	 * on it in the background ({@link dev.backfill.BackfillOperator#start}, as the
	 * endpoint's actions do), with its outcome once it ended; {@code null} when none was
	 * started since the application started
	 * @since 0.1.0
	 */
	public record BackfillDescriptor(BackfillReport backfill,
			BackfillActions.@Nullable Background background) implements OperationResponseBody {
	}

}
