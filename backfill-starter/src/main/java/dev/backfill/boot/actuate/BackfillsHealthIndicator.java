package dev.backfill.boot.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.backfill.Backfill;
import dev.backfill.BackfillOperator;
import dev.backfill.BackfillStatus;
import dev.backfill.Readiness;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code backfills} health indicator: {@code UP} when every declared backfill's
 * latest run completed and a verify after it passed ({@link Readiness}), otherwise
 * {@link #BACKFILLING}, with each backfill's state, verdict and reason in the details. A
 * deployment holds on it before the contract step ({@code curl -f
 * /actuator/health/backfills} with {@code backfilling} mapped to 503).
 * <p>
 * {@code BACKFILLING} is not in Spring Boot's status order, so the application's
 * aggregate health stays what its other indicators say: a backfill in progress does not
 * take an instance out of service, nor fail its liveness probe.
 *
 * @since 0.3.0
 */
public final class BackfillsHealthIndicator extends AbstractHealthIndicator {

	/** The status while a backfill is not done, or not verified since its run. */
	public static final Status BACKFILLING = new Status("BACKFILLING",
			"a backfill is not done, or not verified since its run");

	private final BackfillOperator operator;

	/**
	 * @param operator reads each backfill's status from the job repository
	 */
	public BackfillsHealthIndicator(BackfillOperator operator) {
		super("Backfills health check failed");
		this.operator = operator;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<Backfill> backfills = this.operator.backfills();
		boolean ready = true;
		for (Backfill backfill : backfills) {
			Map<String, Object> detail = new LinkedHashMap<>();
			try {
				BackfillStatus status = this.operator.status(backfill.name());
				Readiness readiness = this.operator.readiness(backfill.name());
				ready &= readiness.ready();
				detail.put("state", status.state().name());
				detail.put("ready", readiness.ready());
				detail.put("verdict", readiness.verdict().name());
				detail.put("reason", readiness.reason());
				detail.put("rowsDone", status.rowsDone());
				detail.put("fractionDone", status.fractionDone());
			}
			catch (RuntimeException ex) {
				// not DOWN, which would take the application's own health with it: not
				// known to be ready
				ready = false;
				detail.put("ready", false);
				detail.put("error", String.valueOf(ex.getMessage()));
			}
			builder.withDetail(backfill.name(), detail);
		}
		builder.status(ready ? Status.UP : BACKFILLING);
	}

}
