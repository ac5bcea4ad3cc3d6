package dev.backfill.engine;

import java.sql.ResultSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.backfill.Backfill;
import dev.backfill.BackfillSettings;
import dev.backfill.JavaBackfill;
import dev.backfill.KeyRange;
import dev.backfill.RowCheck;
import dev.backfill.SqlBackfill;
import dev.backfill.jdbc.JdbcDiscrepancies;
import dev.backfill.jdbc.RangeStatement;
import dev.backfill.jdbc.SqlIdentifier;
import dev.backfill.jdbc.TableKey;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One call, one verify batch: in the chunk's transaction it logs the range's keys that
 * are still pending and those the declared check finds wrong into
 * {@code BACKFILL_DISCREPANCY}, and moves the checkpoint. It changes nothing in the
 * backfill's table; a verify that stops or dies resumes from its checkpoint, and logs
 * nothing twice.
 */
final class VerifyTasklet implements Tasklet, StepExecutionListener {

	private static final Logger logger = LoggerFactory.getLogger(VerifyTasklet.class);

	private final Backfill backfill;

	private final TableShape shape;

	private final JdbcClient jdbc;

	private final JdbcDiscrepancies discrepancies;

	private final Keyset keyset;

	private final int batchSize;

	private final BackfillSettings settings;

	private final RangeStatement insertFound;

	private final @Nullable RowCheck rowCheck;

	private final @Nullable RangeStatement rows;

	private final RowColumns columns;

	/**
	 * Each step execution's walk: one for a verify in one walk, one per partition of a
	 * verify split into partitions, walked side by side.
	 */
	private final Map<Long, Walk> walks = new ConcurrentHashMap<>();

	private volatile boolean stopRequested;

	/**
	 * Another process that took the run lock would verify too: this one stops before its
	 * next batch.
	 */
	private final LockWatch lockWatch;

	VerifyTasklet(Backfill backfill, TableShape shape, JdbcClient jdbc, JdbcDiscrepancies discrepancies, int batchSize,
			BackfillSettings settings, LockWatch lockWatch) {
		this.lockWatch = lockWatch;
		this.backfill = backfill;
		this.shape = shape;
		this.jdbc = jdbc;
		this.discrepancies = discrepancies;
		this.keyset = new Keyset(shape);
		this.batchSize = batchSize;
		this.settings = settings;
		String table = shape.table().sql();
		String key = shape.keySql();
		String range = " WHERE " + key + " > :from AND " + key + " <= :to";
		// one statement, so that the range's discrepancies are numbered in key order
		List<String> k = shape.key().aliases("k");
		this.insertFound = RangeStatement.of(discrepancies.insertInto() + "SELECT :name, :job, " + TableKey.text(k)
				+ ", d FROM (" + found(backfill, shape) + ") AS found ORDER BY "
				+ k.stream().map((c) -> "found." + c).collect(Collectors.joining(", ")));
		// the SQL form's verify statement is part of insertFound; the Java form's check
		// reads the columns it declares
		Set<String> read = new LinkedHashSet<>();
		RowCheck check = null;
		if (backfill instanceof JavaBackfill java) {
			read.addAll(java.read());
			read.addAll(java.write());
			check = java.verify();
		}
		this.columns = new RowColumns(backfill.name(), shape, List.copyOf(read), List.of());
		this.rowCheck = check;
		// the pending rows are logged as pending already: the check is for the rows the
		// backfill wrote
		this.rows = (this.rowCheck != null)
				? RangeStatement.of("SELECT " + shape.key().select() + this.columns.selectList() + " FROM " + table
						+ range + " AND (" + backfill.pending() + ") IS NOT TRUE ORDER BY " + shape.key().order(false))
				: null;
	}

	/**
	 * The verify statement, to plan without running it; it must return the key (each of a
	 * composite key's columns) and what is wrong.
	 * @param backfill the declaration
	 * @param shape its table's shape
	 * @param probe a range of the key's type to bind
	 * @return the statement, or none when the backfill declares no verify statement
	 */
	static List<PlannedStatement> statements(Backfill backfill, TableShape shape, KeyRange probe) {
		String verify = verifyStatement(backfill);
		if (verify == null) {
			return List.of();
		}
		return List.of(PlannedStatement.of("verify statement", PlannedStatement.Use.READ, (jdbc) -> {
			int columns = jdbc.sql("SELECT * FROM (" + verify + ") AS c LIMIT 0")
				.param("from", TableKey.param(probe.from()))
				.param("to", TableKey.param(probe.to()))
				.query((ResultSet rs) -> rs.getMetaData().getColumnCount());
			int wanted = shape.key().columns().size() + 1;
			if (columns != wanted) {
				return "its verify statement returns " + columns + " columns; it must return "
						+ ((wanted == 2) ? "two: the key" : wanted + ": the key columns " + shape.key().display())
						+ " of a wrong row and what is wrong (such as SELECT "
						+ String.join(", ", shape.key().columns()) + ", 'email_normalized is ' || email_normalized "
						+ "FROM ...).";
			}
			jdbc.sql("EXPLAIN " + found(backfill, shape))
				.param("from", TableKey.param(probe.from()))
				.param("to", TableKey.param(probe.to()))
				.param("pending", "")
				.param("failed", "")
				.query()
				.listOfRows();
			return null;
		}, ".verify(...)"));
	}

	// the keys of a range still pending, and those the verify statement returns, with
	// what is wrong: one row per key, the pending one when a key is both
	private static String found(Backfill backfill, TableShape shape) {
		String key = shape.keySql();
		List<String> k = shape.key().aliases("k");
		List<String> columns = shape.key().columns();
		StringBuilder select = new StringBuilder();
		for (int i = 0; i < k.size(); i++) {
			select.append(SqlIdentifier.quote(columns.get(i))).append(" AS ").append(k.get(i)).append(", ");
		}
		String pending = "SELECT " + select + "CAST(:pending AS text) AS d, 0 AS p FROM " + shape.table().sql()
				+ " WHERE " + key + " > :from AND " + key + " <= :to AND (" + backfill.pending() + ")";
		String verify = verifyStatement(backfill);
		if (verify == null) {
			return pending;
		}
		String each = String.join(", ", k);
		String verified = k.stream().map((c) -> "c." + c).collect(Collectors.joining(", "));
		return "SELECT DISTINCT ON (" + each + ") " + each + ", d, p FROM (" + pending + " UNION ALL SELECT " + verified
				+ ", COALESCE(CAST(c.d AS text), :failed), 1 FROM (" + verify + ") AS c(" + each
				+ ", d)) AS each_key ORDER BY " + each + ", p";
	}

	private static @Nullable String verifyStatement(Backfill backfill) {
		return (backfill instanceof SqlBackfill sql) ? sql.verify() : null;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		ExecutionContext context = stepExecution.getExecutionContext();
		VerifyCheckpoint checkpoint = VerifyCheckpoint.from(context);
		String last = checkpoint.lastKey();
		Object lastKey = (last != null) ? this.shape.key().parse(last) : null;
		WalkBounds bounds = (PartitionPlan.numberOf(stepExecution) > 0)
				? PartitionPlan.bounds(context, this.shape.key()) : WalkBounds.ALL;
		this.walks.put(stepExecution.getId(), new Walk(bounds, checkpoint, lastKey));
		if (lastKey != null) {
			logger.info("Verify of '{}' resumes after key {} ({} keys checked, {} discrepancies)", this.backfill.name(),
					lastKey, checkpoint.keysChecked(), checkpoint.discrepancies());
		}
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		StepExecution step = chunkContext.getStepContext().getStepExecution();
		if (this.stopRequested) {
			step.setTerminateOnly();
			return RepeatStatus.CONTINUABLE;
		}
		this.lockWatch.beforeBatch(step.getJobExecution());
		TenantSchemas
			.bindSearchPath(this.jdbc.sql("SELECT set_config('statement_timeout', :statement, true)"
					+ TenantSchemas.searchPath(this.backfill)), this.backfill)
			.param("statement", this.settings.statementTimeout().toMillis() + "ms")
			.query()
			.listOfRows();
		Walk walk = this.walks.get(step.getId());
		Object from = (walk.lastKey != null) ? walk.lastKey : walk.bounds.from();
		Optional<Keyset.Batch> batch = this.keyset.next(this.jdbc, from, false, this.batchSize, walk.bounds.until());
		if (batch.isEmpty()) {
			return RepeatStatus.FINISHED;
		}
		KeyRange range = batch.get().range();
		Object to = range.to();
		long keys = batch.get().keys();
		long jobId = step.getJobExecutionId();
		long batchFound = this.jdbc.sql(this.insertFound.sql(range))
			.param("name", this.backfill.name())
			.param("job", jobId)
			.param("pending", "still pending: " + this.backfill.pending())
			.param("failed", "fails the verify statement")
			.param("from", TableKey.param(range.from()))
			.param("to", TableKey.param(to))
			.update();
		if (this.rows != null) {
			batchFound += checkRows(jobId, range);
		}
		// the context is saved in this transaction, with the discrepancies: a resumed
		// verify logs nothing twice
		walk.lastKey = to;
		walk.checkpoint = walk.checkpoint.next(to.toString(), keys, batchFound);
		walk.checkpoint.writeTo(step.getExecutionContext());
		contribution.incrementReadCount();
		return batch.get().full() ? RepeatStatus.CONTINUABLE : RepeatStatus.FINISHED;
	}

	private long checkRows(long jobId, KeyRange range) {
		RowCheck rowCheck = java.util.Objects.requireNonNull(this.rowCheck);
		RangeStatement statement = java.util.Objects.requireNonNull(this.rows);
		List<TableRow> rows = this.jdbc.sql(statement.sql(range))
			.param("from", TableKey.param(range.from()))
			.param("to", TableKey.param(range.to()))
			.query((rs, i) -> this.columns.read(rs))
			.list();
		long wrong = 0;
		for (TableRow row : rows) {
			String detail;
			try {
				detail = rowCheck.check(row);
			}
			catch (RuntimeException ex) {
				detail = "the check threw " + ex;
			}
			if (detail != null) {
				this.discrepancies.append(this.backfill.name(), jobId, row.key().toString(), detail);
				wrong++;
			}
		}
		return wrong;
	}

	void requestStop() {
		this.stopRequested = true;
	}

	@Override
	public @Nullable ExitStatus afterStep(StepExecution stepExecution) {
		this.walks.remove(stepExecution.getId());
		return null;
	}

	/** Where one walk of the verify stands. */
	private static final class Walk {

		private final WalkBounds bounds;

		private VerifyCheckpoint checkpoint;

		/** The checkpoint's last key, of the key's type. */
		private @Nullable Object lastKey;

		Walk(WalkBounds bounds, VerifyCheckpoint checkpoint, @Nullable Object lastKey) {
			this.bounds = bounds;
			this.checkpoint = checkpoint;
			this.lastKey = lastKey;
		}

	}

}
