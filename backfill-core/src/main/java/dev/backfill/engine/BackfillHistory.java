package dev.backfill.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.Stream;

import javax.sql.DataSource;

import dev.backfill.Backfill;
import dev.backfill.BackfillState;
import dev.backfill.BackfillStatus;
import dev.backfill.Backfills;
import dev.backfill.Estimate;
import dev.backfill.JavaBackfill;
import dev.backfill.PartitionStatus;
import dev.backfill.Readiness;
import dev.backfill.RemovalNotice;
import dev.backfill.RunSummary;
import dev.backfill.SqlBackfill;
import dev.backfill.Verification;
import dev.backfill.jdbc.Checkpoint;
import dev.backfill.jdbc.JdbcDiscrepancies;
import dev.backfill.jdbc.JdbcPauses;
import dev.backfill.jdbc.KeyType;
import dev.backfill.jdbc.RunLock;
import dev.backfill.jdbc.TableKey;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * What the job repository says about a backfill's runs, rollbacks, dry-runs and verifies:
 * the status, the latest estimate and verify, the removal notices, and the states a run
 * resumes from. Reads only.
 */
final class BackfillHistory {

	private final Backfills backfills;

	private final DataSource dataSource;

	private final JobRepository jobRepository;

	private final JdbcClient jdbc;

	private final JdbcPauses pauses;

	private final JdbcDiscrepancies discrepancies;

	BackfillHistory(Backfills backfills, DataSource dataSource, JobRepository jobRepository, JdbcClient jdbc,
			JdbcPauses pauses, JdbcDiscrepancies discrepancies) {
		this.backfills = backfills;
		this.dataSource = dataSource;
		this.jobRepository = jobRepository;
		this.jdbc = jdbc;
		this.pauses = pauses;
		this.discrepancies = discrepancies;
	}

	static boolean unfinished(@Nullable JobExecution execution) {
		return execution != null && execution.getStatus() != BatchStatus.COMPLETED
				&& execution.getStatus() != BatchStatus.ABANDONED;
	}

	// whether a run or a rollback started after the job instance of a verify did: its
	// earlier checks are stale
	boolean changedSince(String name, JobExecution verify) {
		long first = this.jobRepository.getJobExecutions(verify.getJobInstance())
			.stream()
			.mapToLong(JobExecution::getId)
			.min()
			.orElse(verify.getId());
		JobExecution run = last(name);
		JobExecution rollback = last(JobNames.rollback(name));
		return (run != null && run.getId() > first) || (rollback != null && rollback.getId() > first);
	}

	static boolean isUnknown(JobExecution execution) {
		return execution.getStatus() == BatchStatus.UNKNOWN
				|| execution.getStepExecutions().stream().anyMatch((s) -> s.getStatus() == BatchStatus.UNKNOWN);
	}

	List<RemovalNotice> removalsDue() {
		List<RemovalNotice> due = new ArrayList<>();
		Instant now = Instant.now();
		for (Backfill backfill : this.backfills.all()) {
			// a declaration over schemas is proven when each of its schemas' walks is
			List<Backfill> walks = TenantSchemas.walks(backfill, this.jdbc);
			List<Proven> proven = walks.stream().map((walk) -> proven(walk.name())).toList();
			if (walks.isEmpty() || proven.contains(null)) {
				continue;
			}
			Instant completed = proven.stream().map(Proven::completed).max(Comparator.naturalOrder()).orElseThrow();
			Instant verified = proven.stream().map(Proven::verified).max(Comparator.naturalOrder()).orElseThrow();
			Instant dueAt = verified.plus(backfill.removeOldPath().after());
			if (!now.isBefore(dueAt)) {
				due.add(new RemovalNotice(backfill.name(), completed, verified, dueAt,
						backfill.removeOldPath().what()));
			}
		}
		return due;
	}

	/** When a backfill's latest run completed, and when a verify after it passed. */
	private record Proven(Instant completed, Instant verified) {
	}

	// its latest run completed and stands, and a verify after it passed; else null
	private @Nullable Proven proven(String name) {
		JobExecution run = last(name);
		if (run == null || run.getStatus() != BatchStatus.COMPLETED || rolledBack(name, run)) {
			return null;
		}
		Verification verification = lastVerification(name);
		if (verification == null || !verification.passed() || verification.jobExecutionId() < run.getId()) {
			return null;
		}
		Instant completed = instant(run.getEndTime());
		return new Proven((completed != null) ? completed : verification.at(), verification.at());
	}

	boolean rolledBack(String name, JobExecution run) {
		JobExecution rollback = last(JobNames.rollback(name));
		return rollback != null && rollback.getId() > run.getId() && rollback.getStatus() == BatchStatus.COMPLETED;
	}

	Verification verification(Backfill backfill, JobExecution execution) {
		return verification(backfill.name(), declaresCheck(backfill), execution);
	}

	// checked: whether the declaration checks more than the pending condition (false for
	// one no longer declared)
	private Verification verification(String name, boolean checked, JobExecution execution) {
		ExecutionContext step = execution.getStepExecutions()
			.stream()
			.filter((s) -> s.getStepName().equals(JobNames.VERIFY_STEP))
			.findFirst()
			.map(StepExecution::getExecutionContext)
			.orElseGet(ExecutionContext::new);
		VerifyCheckpoint checkpoint = VerifyCheckpoint.from(step);
		if (WalkShape.isPartitioned(execution)) {
			// a verify split into partitions: their sums, across its restarts
			checkpoint = VerifyCheckpoint
				.sum(PartitionRuns.of(this.jobRepository.getJobExecutions(execution.getJobInstance()))
					.latest()
					.values()
					.stream()
					.map((s) -> VerifyCheckpoint.from(s.getExecutionContext()))
					.toList());
		}
		// as the job repository stores it, so that a verify reads back equal
		Instant at = Objects.requireNonNullElse(instant(execution.getEndTime()), Instant.now())
			.truncatedTo(ChronoUnit.MILLIS);
		return new Verification(name, execution.getId(), at, checkpoint.keysChecked(), checkpoint.discrepancies(),
				this.discrepancies.firstKeys(this.jobRepository.getJobExecutions(execution.getJobInstance())
					.stream()
					.map(JobExecution::getId)
					.toList(), 10),
				checked);
	}

	// whether verify checks more than that no row is pending: a declared statement or row
	// check
	private static boolean declaresCheck(Backfill backfill) {
		if (backfill instanceof SqlBackfill sql) {
			return sql.verify() != null;
		}
		return ((JavaBackfill) backfill).verify() != null;
	}

	// the latest verify that completed
	@Nullable Verification lastVerification(String name) {
		boolean checked = this.backfills.find(name).map(BackfillHistory::declaresCheck).orElse(false);
		for (JobInstance each : this.jobRepository.getJobInstances(JobNames.verify(name), 0, 20)) {
			for (JobExecution execution : this.jobRepository.getJobExecutions(each)) {
				if (execution.getStatus() == BatchStatus.COMPLETED) {
					return verification(name, checked, execution);
				}
			}
		}
		return null;
	}

	BackfillStatus status(String name) {
		Backfill backfill = this.backfills.get(name);
		if (backfill.schemas() != null) {
			// the sum of its schemas' walks, which a backfill that runs after it waits
			// for
			return new SchemaWalks(this.jdbc).status(backfill, this::status);
		}
		return statusOfRecord(name);
	}

	/**
	 * Whether a backfill is done and proven: {@link Readiness#of its status}, held back
	 * also by a rollback begun after its run and not completed (half the rows undone), or
	 * by a verify begun after the one that passed and not completed (it may have found
	 * what the earlier did not).
	 * @param name the backfill name
	 * @param declared whether it is declared, or answers from its record
	 * @return the verdict
	 */
	Readiness readiness(String name, boolean declared) {
		BackfillStatus status = declared ? status(name) : statusOfRecord(name);
		JobExecution run = last(name);
		JobExecution rollback = last(JobNames.rollback(name));
		if (run != null && rollback != null && rollback.getId() > run.getId()
				&& rollback.getStatus() != BatchStatus.COMPLETED) {
			return new Readiness(name, Readiness.Verdict.ROLLED_BACK,
					"a rollback begun after its run is " + rollback.getStatus() + " (job execution " + rollback.getId()
							+ "): finish it with 'backfill rollback " + name + "', then run and verify it again");
		}
		Verification passed = status.verification();
		JobExecution verify = last(JobNames.verify(name));
		if (status.state() == BackfillState.COMPLETED && passed != null && verify != null
				&& verify.getId() > passed.jobExecutionId() && verify.getStatus() != BatchStatus.COMPLETED) {
			return new Readiness(name, Readiness.Verdict.NOT_VERIFIED,
					"a verify begun after the one that passed is " + verify.getStatus() + " (job execution "
							+ verify.getId() + "): finish it with 'backfill verify " + name + "'");
		}
		return Readiness.of(status);
	}

	/**
	 * The walks of one schema each ({@code name@schema}) that the job repository records
	 * of a declaration over schemas, declared here or not.
	 * @param name the declaration's name
	 * @return the walks' names, in name order
	 */
	List<String> recordedWalks(String name) {
		String prefix = name + Backfill.SCHEMA_SEPARATOR;
		return this.jobRepository.getJobNames()
			.stream()
			.filter((job) -> job.startsWith(prefix) && job.indexOf(':') < 0)
			.sorted()
			.toList();
	}

	/**
	 * Whether the job repository holds any run, verify or rollback of a backfill.
	 * @param name the backfill name
	 * @return whether one was ever launched
	 */
	boolean recorded(String name) {
		return Stream.of(name, JobNames.verify(name), JobNames.rollback(name))
			.anyMatch((job) -> !this.jobRepository.getJobInstances(job, 0, 1).isEmpty());
	}

	/**
	 * The status of a backfill as the job repository records it, also when it is no
	 * longer declared (a migration's contract step that ships with its removal): then
	 * nothing is estimated of its table.
	 * @param name the backfill name
	 * @return its status
	 */
	BackfillStatus statusOfRecord(String name) {
		Estimate estimate = lastEstimate(name);
		JobExecution execution = last(name);
		if (execution == null) {
			return BackfillStatus.neverRun(name, estimateAll(name), estimate, lastVerification(name));
		}
		if (rolledBack(name, execution)) {
			return BackfillStatus.rolledBack(name, execution.getId(), instant(execution.getStartTime()),
					instant(execution.getEndTime()), estimateAll(name), estimate, lastVerification(name));
		}
		BackfillState state = state(execution, isLive(name, execution));
		if (state == BackfillState.RUNNING && this.pauses.find(name).isPresent()) {
			state = BackfillState.PAUSED;
		}
		List<JobExecution> executions = this.jobRepository.getJobExecutions(execution.getJobInstance());
		ExecutionContext step = stepContext(execution);
		Checkpoint checkpoint = Checkpoint.from(step);
		RunStats stats = RunStats.from(step);
		List<PartitionStatus> partitions = List.of();
		if (WalkShape.isPartitioned(execution)) {
			// the run is its partitions: their sums, across the run's restarts
			PartitionRuns runs = PartitionRuns.of(executions);
			partitions = runs.statuses(keyType(name),
					(n) -> RunLock.isHeld(this.dataSource, JobNames.partitionLock(name, n)));
			checkpoint = new Checkpoint(null, runs.batches(), runs.rowsDone(), 0);
			stats = runs.latest().isEmpty() ? null : runs.stats();
		}
		long rowsRemaining = (stats != null) ? stats.rowsRemaining() : estimateAll(name);
		if (stats == null) {
			// before the first batch: nothing measured yet
			stats = new RunStats(rowsRemaining, 0, 0, 0, false, 0);
		}
		double runSeconds = executions.stream().mapToDouble(BackfillHistory::seconds).sum();
		Instant runStart = executions.stream()
			.map((e) -> instant(e.getStartTime()))
			.filter(Objects::nonNull)
			.min(Comparator.naturalOrder())
			.orElse(null);
		// an estimate says something about a run at its own batch size only
		boolean comparable = (estimate != null) && (estimate.adaptive() ? stats.adaptive()
				: !stats.adaptive() && estimate.batchSize() == stats.batchSize());
		// a dry-run estimates the work; the throttles' holds depend on the database's
		// load during the run
		double workSeconds = runSeconds - stats.throttledSeconds();
		Double error = (state == BackfillState.COMPLETED && comparable && runStart != null
				&& estimate.at().isBefore(runStart) && workSeconds > 0) ? estimate.estimatedSeconds() / workSeconds - 1
						: null;
		return new BackfillStatus(name, state, execution.getId(), checkpoint.batches(), checkpoint.rowsDone(),
				rowsRemaining, checkpoint.lastKey(), stats.rowsPerSecond(), stats.etaSeconds(),
				instant(execution.getStartTime()), instant(execution.getEndTime()),
				ownerOf(execution.getExecutionContext()), exitMessage(execution), stats.batchSize(), runSeconds,
				stats.throttledSeconds(), estimate, error, lastVerification(name), partitions);
	}

	/**
	 * @param execution an execution of a run split into partitions
	 * @return its partitions across the run's restarts
	 */
	PartitionRuns partitions(JobExecution execution) {
		return PartitionRuns.of(this.jobRepository.getJobExecutions(execution.getJobInstance()));
	}

	// a partition's range is read back in the key's type; a table that is gone reads as
	// text
	private TableKey keyType(String name) {
		try {
			return this.backfills.find(name)
				.map((backfill) -> TableShape.read(this.jdbc, backfill).key())
				.orElse(TableKey.of("key", KeyType.TEXT));
		}
		catch (RuntimeException ex) {
			return TableKey.of("key", KeyType.TEXT);
		}
	}

	// the executions of the run job, newest first; each counts the rows it added to its
	// run's checkpoint, which a resumed execution carries over
	List<RunSummary> history(String name, int limit) {
		this.backfills.get(name);
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, was " + limit);
		}
		long undoneBefore = lastCompletedRollback(name);
		boolean paused = this.pauses.find(name).isPresent();
		List<RunSummary> history = new ArrayList<>();
		for (JobInstance instance : this.jobRepository.getJobInstances(name, 0, limit)) {
			List<JobExecution> executions = new ArrayList<>(this.jobRepository.getJobExecutions(instance));
			executions.sort(Comparator.comparing(JobExecution::getId));
			List<RunSummary> run = new ArrayList<>();
			long before = 0;
			for (int i = 0; i < executions.size(); i++) {
				JobExecution execution = executions.get(i);
				// a run split into partitions: the sum of its partitions as of this
				// execution
				long rowsDone = (WalkShape.partitionsOf(execution) > 1)
						? PartitionRuns.of(executions.subList(0, i + 1)).rowsDone()
						: Checkpoint.from(stepContext(execution)).rowsDone();
				BackfillState state = state(execution, isLive(name, execution));
				run.add(new RunSummary(execution.getId(), instance.getInstanceId(),
						(state == BackfillState.RUNNING && paused) ? BackfillState.PAUSED : state,
						instant(execution.getStartTime()), instant(execution.getEndTime()),
						Math.max(0, rowsDone - before), execution.getId() < undoneBefore, exitMessage(execution)));
				before = Math.max(before, rowsDone);
			}
			Collections.reverse(run);
			history.addAll(run);
			if (history.size() >= limit) {
				break;
			}
		}
		return List.copyOf(history.subList(0, Math.min(limit, history.size())));
	}

	// the job execution of the latest rollback that completed, or Long.MIN_VALUE: it
	// undid every run execution before it
	private long lastCompletedRollback(String name) {
		for (JobInstance instance : this.jobRepository.getJobInstances(JobNames.rollback(name), 0, 20)) {
			for (JobExecution execution : this.jobRepository.getJobExecutions(instance)) {
				if (execution.getStatus() == BatchStatus.COMPLETED) {
					return execution.getId();
				}
			}
		}
		return Long.MIN_VALUE;
	}

	// the latest dry-run that recorded an estimate
	@Nullable Estimate lastEstimate(String name) {
		String job = JobNames.dryRun(name);
		for (JobInstance instance : this.jobRepository.getJobInstances(job, 0, 20)) {
			for (JobExecution execution : this.jobRepository.getJobExecutions(instance)) {
				if (execution.getStatus() == BatchStatus.COMPLETED) {
					Estimate estimate = estimateOf(name, execution);
					if (estimate != null) {
						return estimate;
					}
				}
			}
		}
		return null;
	}

	// the estimate a dry-run's execution recorded, or null when it recorded none (it
	// failed)
	private static @Nullable Estimate estimateOf(String backfill, JobExecution execution) {
		return execution.getStepExecutions()
			.stream()
			.filter((s) -> s.getStepName().equals(JobNames.DRY_RUN_STEP))
			.findFirst()
			.map((s) -> StoredEstimate.from(backfill, execution.getId(), s.getExecutionContext()))
			.orElse(null);
	}

	static double seconds(JobExecution execution) {
		if (execution.getStartTime() == null) {
			return 0;
		}
		LocalDateTime end = (execution.getEndTime() != null) ? execution.getEndTime() : LocalDateTime.now();
		return Duration.between(execution.getStartTime(), end).toMillis() / 1000.0;
	}

	long estimateAll(String name) {
		Backfill backfill = this.backfills.find(name).orElse(null);
		if (backfill == null) {
			return 0;
		}
		try {
			TableShape shape = TableShape.read(this.jdbc, backfill);
			return TenantSchemas.onSearchPath(new JdbcTransactionManager(this.dataSource), this.jdbc, backfill,
					() -> PlannedWork.pendingRows(backfill, shape, this.jdbc));
		}
		catch (RuntimeException ex) {
			// status must answer even when the table is gone; the estimate is then
			// unknown
			return 0;
		}
	}

	// the latest execution of a job: a backfill's run (named as the backfill), or its
	// NAME:rollback, NAME:verify (an instance with no execution, left by a launch cut
	// short, is passed over)
	@Nullable JobExecution last(String job) {
		for (JobInstance instance : this.jobRepository.getJobInstances(job, 0, 3)) {
			JobExecution execution = this.jobRepository.getLastJobExecution(instance);
			if (execution != null) {
				return execution;
			}
		}
		return null;
	}

	// the latest execution of the job instance before the one of an execution
	@Nullable JobExecution lastBefore(String job, JobExecution execution) {
		for (JobInstance instance : this.jobRepository.getJobInstances(job, 0, 20)) {
			if (instance.getInstanceId() < execution.getJobInstance().getInstanceId()) {
				JobExecution last = this.jobRepository.getLastJobExecution(instance);
				if (last != null) {
					return last;
				}
			}
		}
		return null;
	}

	static boolean isRunning(JobExecution execution) {
		return execution.getStatus().isRunning()
				|| execution.getStepExecutions().stream().anyMatch((s) -> s.getStatus().isRunning());
	}

	static BackfillState state(JobExecution execution, boolean live) {
		return switch (execution.getStatus()) {
			case COMPLETED -> BackfillState.COMPLETED;
			case STARTING, STARTED, STOPPING -> live ? BackfillState.RUNNING : BackfillState.DEAD;
			case STOPPED -> BackfillState.STOPPED;
			default -> BackfillState.FAILED;
		};
	}

	/**
	 * Whether the process of an execution still runs it: a session holds the run lock,
	 * and it is the session the execution recorded (another one is a verify, a dry-run,
	 * or a process that took over from a dead one).
	 */
	boolean isLive(String name, JobExecution execution) {
		if (!execution.getStatus().isRunning()) {
			return false;
		}
		OptionalInt holder = RunLock.holder(this.dataSource, name);
		Owner owner = Owner.from(execution.getExecutionContext());
		return holder.isPresent() && (owner == null || owner.holdsLock(holder.getAsInt()));
	}

	/**
	 * Who holds a backfill's run lock, from what the holder recorded in the job
	 * repository.
	 */
	String owner(String name) {
		OptionalInt holder = RunLock.holder(this.dataSource, name);
		if (holder.isEmpty()) {
			return "another process, which has let go since";
		}
		for (String job : List.of(name, JobNames.rollback(name), JobNames.verify(name), JobNames.dryRun(name))) {
			for (JobExecution running : this.jobRepository.findRunningJobExecutions(job)) {
				Owner owner = Owner.from(running.getExecutionContext());
				if (owner != null && owner.lockBackend() == holder.getAsInt()) {
					String what = job.equals(name) ? "" : " (" + job.substring(name.length() + 1) + ")";
					return owner + what;
				}
			}
		}
		return "another process (database session " + holder.getAsInt() + "; it has not recorded its host yet)";
	}

	static @Nullable String ownerOf(ExecutionContext job) {
		Owner owner = Owner.from(job);
		return (owner != null) ? owner.toString() : null;
	}

	static ExecutionContext stepContext(JobExecution execution) {
		return execution.getStepExecutions()
			.stream()
			.max(Comparator.comparing(StepExecution::getId))
			.map(StepExecution::getExecutionContext)
			.orElseGet(ExecutionContext::new);
	}

	static long getLong(ExecutionContext context, String key) {
		return context.containsKey(key) ? context.getLong(key) : 0;
	}

	static @Nullable Instant instant(java.time.@Nullable LocalDateTime time) {
		return (time != null) ? time.atZone(ZoneId.systemDefault()).toInstant() : null;
	}

	static @Nullable String failure(JobExecution execution) {
		return execution.getAllFailureExceptions()
			.stream()
			.findFirst()
			.map(DefaultBackfillOperator::rootMessage)
			.orElse(null);
	}

	static @Nullable String exitMessage(JobExecution execution) {
		String description = execution.getExitStatus().getExitDescription();
		return (description == null || description.isBlank()) ? null
				: description.lines().findFirst().orElse(description);
	}

}
