package dev.backfill.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import dev.backfill.Backfill;
import dev.backfill.BackfillResult;
import dev.backfill.BackfillState;
import dev.backfill.BackfillStatus;
import dev.backfill.Readiness;
import dev.backfill.Verification;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A declaration over schemas, as one backfill: its schemas listed again at each use and
 * walked one after another in name order, each as the backfill {@code name@schema} with
 * its own checkpoint, run lock and batch log rows; their outcomes and statuses summed,
 * their states read as the least advanced one's.
 */
final class SchemaWalks {

	private static final Logger logger = LoggerFactory.getLogger(SchemaWalks.class);

	// the state a declaration over schemas shows: the first of these that a schema is in
	private static final List<BackfillState> LEAST_ADVANCED = List.of(BackfillState.RUNNING, BackfillState.PAUSED,
			BackfillState.WAITING, BackfillState.DEAD, BackfillState.FAILED, BackfillState.STOPPED,
			BackfillState.NEVER_RUN, BackfillState.ROLLED_BACK, BackfillState.NOTHING_TO_ROLL_BACK,
			BackfillState.COMPLETED);

	// the verdict a declaration over schemas shows: the furthest from ready of its
	// schemas'
	private static final List<Readiness.Verdict> FURTHEST = List.of(Readiness.Verdict.RUNNING,
			Readiness.Verdict.UNFINISHED, Readiness.Verdict.NEVER_RUN, Readiness.Verdict.ROLLED_BACK,
			Readiness.Verdict.DISCREPANCIES, Readiness.Verdict.NOT_VERIFIED);

	private final JdbcClient jdbc;

	SchemaWalks(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	List<Backfill> walks(Backfill backfill) {
		return TenantSchemas.walks(backfill, this.jdbc);
	}

	/**
	 * Runs each schema whose walk did not complete, one after another; stops at the first
	 * that does not complete, which the next run resumes.
	 */
	BackfillResult run(Backfill backfill, Function<String, BackfillStatus> status,
			Function<Backfill, BackfillResult> run) {
		List<BackfillResult> results = new ArrayList<>();
		List<Backfill> walks = walks(backfill);
		for (Backfill walk : walks) {
			if (status.apply(walk.name()).state() == BackfillState.COMPLETED) {
				logger.info("Backfill '{}' completed before: 'backfill run {}' walks it again", walk.name(),
						walk.name());
				continue;
			}
			BackfillResult result = run.apply(walk);
			results.add(result);
			if (result.state() != BackfillState.COMPLETED) {
				break;
			}
		}
		logger.info("Backfill '{}' over {}: {} of {} schemas walked by this run", backfill.name(), backfill.schemas(),
				results.size(), walks.size());
		return outcome(backfill.name(), results);
	}

	/**
	 * Rolls back each schema's walk; one with nothing committed since has nothing to
	 * undo.
	 */
	BackfillResult rollback(Backfill backfill, Function<Backfill, BackfillResult> rollback) {
		List<BackfillResult> results = new ArrayList<>();
		for (Backfill walk : walks(backfill)) {
			BackfillResult result = rollback.apply(walk);
			if (result.state() != BackfillState.NOTHING_TO_ROLL_BACK) {
				results.add(result);
			}
			if (result.state() != BackfillState.COMPLETED && result.state() != BackfillState.NOTHING_TO_ROLL_BACK) {
				break;
			}
		}
		return results.isEmpty() ? BackfillResult.nothingToRollBack(backfill.name())
				: outcome(backfill.name(), results);
	}

	private static BackfillResult outcome(String name, List<BackfillResult> results) {
		BackfillResult unfinished = results.stream()
			.filter((r) -> r.state() != BackfillState.COMPLETED)
			.findFirst()
			.orElse(null);
		return new BackfillResult(name, (unfinished != null) ? unfinished.state() : BackfillState.COMPLETED,
				results.stream().mapToLong(BackfillResult::jobExecutionId).max().orElse(0),
				results.stream().anyMatch(BackfillResult::resumed),
				results.stream().mapToLong(BackfillResult::rows).sum(),
				results.stream().mapToLong(BackfillResult::batches).sum(),
				results.stream().mapToLong(BackfillResult::rowsDone).sum(),
				results.stream().map(BackfillResult::wallTime).reduce(Duration.ZERO, Duration::plus),
				(unfinished != null && unfinished.failure() != null)
						? unfinished.backfill() + ": " + unfinished.failure() : null);
	}

	/** Verifies each schema's walk; the verification of all is their sum. */
	Verification verify(Backfill backfill, Function<Backfill, Verification> verify) {
		List<Verification> each = walks(backfill).stream().map(verify).toList();
		return sum(backfill.name(), each);
	}

	private static @Nullable Verification sum(String name, List<@Nullable Verification> each) {
		if (each.isEmpty() || each.contains(null)) {
			return null;
		}
		List<String> firstKeys = new ArrayList<>();
		for (Verification verification : each) {
			String schema = schemaOf(verification.backfill());
			verification.firstKeys()
				.stream()
				.limit(Math.max(0, 10 - firstKeys.size()))
				.forEach((key) -> firstKeys.add(schema + ": " + key));
		}
		return new Verification(name, each.stream().mapToLong(Verification::jobExecutionId).max().orElse(0),
				each.stream().map(Verification::at).max(Comparator.naturalOrder()).orElseThrow(),
				each.stream().mapToLong(Verification::keysChecked).sum(),
				each.stream().mapToLong(Verification::discrepancies).sum(), firstKeys,
				each.stream().allMatch(Verification::checked));
	}

	/** The status of each schema's walk, and their sum. */
	BackfillStatus status(Backfill backfill, Function<String, BackfillStatus> status) {
		List<BackfillStatus> each = walks(backfill).stream().map((w) -> status.apply(w.name())).toList();
		String name = backfill.name();
		if (each.isEmpty()) {
			return BackfillStatus.neverRun(name, 0, null, null);
		}
		BackfillStatus least = each.stream()
			.min(Comparator.comparingInt((s) -> LEAST_ADVANCED.indexOf(s.state())))
			.orElseThrow();
		// the rate of those running; when none is, that of all their work
		double rate = each.stream()
			.filter((s) -> s.state() == BackfillState.RUNNING)
			.mapToDouble(BackfillStatus::rowsPerSecond)
			.sum();
		double working = each.stream().mapToDouble((s) -> s.runSeconds() - s.throttledSeconds()).sum();
		long done = each.stream().mapToLong(BackfillStatus::rowsDone).sum();
		if (rate == 0 && working > 0) {
			rate = done / working;
		}
		long remaining = each.stream().mapToLong(BackfillStatus::rowsRemainingEstimate).sum();
		boolean ended = each.stream().allMatch((s) -> s.endedAt() != null);
		return new BackfillStatus(name, least.state(),
				each.stream()
					.map(BackfillStatus::jobExecutionId)
					.filter(Objects::nonNull)
					.max(Long::compare)
					.orElse(null),
				each.stream().mapToLong(BackfillStatus::batches).sum(),
				each.stream().mapToLong(BackfillStatus::rowsDone).sum(), remaining, null, rate,
				(rate > 0) ? Math.round(remaining / rate) : 0,
				each.stream()
					.map(BackfillStatus::startedAt)
					.filter(Objects::nonNull)
					.min(Comparator.naturalOrder())
					.orElse(null),
				ended ? each.stream()
					.map(BackfillStatus::endedAt)
					.filter(Objects::nonNull)
					.max(Comparator.naturalOrder())
					.orElse(null) : null,
				least.owner(), (least.exitMessage() != null) ? least.backfill() + ": " + least.exitMessage() : null,
				least.batchSize(), each.stream().mapToDouble(BackfillStatus::runSeconds).sum(),
				each.stream().mapToDouble(BackfillStatus::throttledSeconds).sum(), null, null,
				sum(name, each.stream().map(BackfillStatus::verification).toList()), List.of(), each);
	}

	/**
	 * Ready when every schema's walk is; else the verdict of the one furthest from ready
	 * (the first of those), and why.
	 */
	Readiness readiness(Backfill backfill, Function<String, Readiness> readiness) {
		List<String> walks = walks(backfill).stream().map(Backfill::name).toList();
		if (walks.isEmpty()) {
			return new Readiness(backfill.name(), Readiness.Verdict.NEVER_RUN, "no schema matches " + backfill.schemas()
					+ ", so it never ran: create the schemas, then 'backfill run " + backfill.name() + "'");
		}
		return readiness(backfill.name(), walks, readiness);
	}

	/**
	 * The same over walks named {@code name@schema}, such as those the job repository
	 * records of a declaration no longer declared here (a migration's contract step).
	 */
	static Readiness readiness(String name, List<String> walks, Function<String, Readiness> readiness) {
		Readiness holding = null;
		String held = null;
		for (String walk : walks) {
			Readiness each = readiness.apply(walk);
			if (!each.ready()
					&& (holding == null || FURTHEST.indexOf(each.verdict()) < FURTHEST.indexOf(holding.verdict()))) {
				holding = each;
				held = walk;
			}
		}
		if (holding != null) {
			return new Readiness(name, holding.verdict(),
					"schema " + schemaOf(held) + " (" + held + ") " + holding.reason());
		}
		return new Readiness(name, Readiness.Verdict.READY, "each of its " + walks.size() + " schemas ("
				+ String.join(", ", walks.stream().map(SchemaWalks::schemaOf).toList()) + ") completed and verified");
	}

	private static String schemaOf(String walk) {
		return walk.substring(walk.indexOf(Backfill.SCHEMA_SEPARATOR) + 1);
	}

}
