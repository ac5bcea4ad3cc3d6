package dev.backfill.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.backfill.Backfill;
import dev.backfill.BackfillException;
import dev.backfill.BackfillOperator;
import dev.backfill.InvalidBackfillException;
import dev.backfill.MissingPrivilegeException;
import dev.backfill.engine.PlannedStatement.Use;
import dev.backfill.jdbc.BackfillTables;
import dev.backfill.jdbc.TableName;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checks declarations against the database before any work, and names every problem at
 * once: Spring Batch's and the library's tables, each table's shape and key, and each
 * statement, planned (never run) in a transaction of its own so that one refusal does not
 * hide the next. A role that may only read reports all the same: the statements it may
 * not plan are said in one line and left to a role that may write. Work that writes is
 * refused to it, naming the privileges it lacks.
 */
final class DeclarationCheck {

	private static final Logger logger = LoggerFactory.getLogger(DeclarationCheck.class);

	private static final String LOCK_TIMEOUT = "SELECT set_config('lock_timeout', '1s', true)";

	private static final String ROLE = "SELECT current_user";

	private static final String TABLE_PRIVILEGE = "SELECT has_table_privilege(:table, :privilege)";

	private static final String SERIAL_WITHOUT_USAGE = """
			SELECT s FROM (SELECT pg_get_serial_sequence(:table, :column) AS s) AS serial
			WHERE s IS NOT NULL AND NOT has_sequence_privilege(s, 'USAGE')""";

	/** The work a backfill's table is checked for. */
	enum Work {

		/** {@link BackfillOperator#run}. */
		RUN("run", Use.WRITE),

		/** {@link BackfillOperator#dryRun}: its writes are rolled back, but made. */
		DRY_RUN("dry-run", Use.WRITE),

		/** {@link BackfillOperator#rollback}. */
		ROLLBACK("roll back", Use.UNDO),

		/** {@link BackfillOperator#verify}. */
		VERIFY("verify", Use.READ);

		private final String verb;

		private final Use writes;

		Work(String verb, Use writes) {
			this.verb = verb;
			this.writes = writes;
		}

		boolean runs(Use use) {
			return use == Use.READ || use == this.writes;
		}

	}

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final JobRepository jobRepository;

	private final BackfillTables tables;

	DeclarationCheck(JdbcClient jdbc, PlatformTransactionManager transactionManager, JobRepository jobRepository,
			BackfillTables tables) {
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.jobRepository = jobRepository;
		this.tables = tables;
	}

	/**
	 * Checks the tables and every declaration, as reporting needs them: statements the
	 * role may not plan are said, not refused.
	 * @param backfills the declarations
	 * @throws InvalidBackfillException naming every problem of every declaration that
	 * does not fit
	 * @throws MissingPrivilegeException when the role may not read the tables reports
	 * come from
	 */
	void validate(List<Backfill> backfills) {
		checkRepository();
		List<InvalidBackfillException> invalid = new ArrayList<>();
		for (Backfill backfill : backfills) {
			Fit fit = fit(backfill);
			if (!fit.problems().isEmpty()) {
				invalid.add(fit.invalid(backfill));
			}
			else if (!fit.refused().isEmpty()) {
				String statements = fit.refused()
					.stream()
					.map((r) -> r.statement().what())
					.collect(Collectors.joining(" and "));
				logger.info(
						"Backfill '{}': its {} could not be checked as role {}, which lacks {}; a role that may write "
								+ "checks them when it runs the backfill",
						backfill.name(), statements, role(), String.join(", ", lacking(backfill, fit.refused())));
			}
		}
		if (!invalid.isEmpty()) {
			throw InvalidBackfillException.ofAll(invalid);
		}
	}

	/**
	 * Checks one declaration for a work, and the role's privileges for it.
	 * @param backfill the declaration
	 * @param work the work about to run
	 * @return its table's shape
	 * @throws InvalidBackfillException naming every problem of the declaration
	 * @throws MissingPrivilegeException naming every privilege the role lacks for the
	 * work
	 */
	TableShape shape(Backfill backfill, Work work) {
		Fit fit = fit(backfill);
		if (!fit.problems().isEmpty() || fit.shape() == null) {
			throw fit.invalid(backfill);
		}
		Set<String> lacking = new LinkedHashSet<>(
				lacking(backfill, fit.refused().stream().filter((r) -> work.runs(r.statement().use())).toList()));
		if (work == Work.RUN || work == Work.ROLLBACK) {
			lacking.addAll(lacking(this.tables.log(), "INSERT"));
		}
		if (work == Work.VERIFY) {
			lacking.addAll(lacking(this.tables.discrepancies(), "INSERT"));
			this.jdbc.sql(SERIAL_WITHOUT_USAGE)
				.param("table", this.tables.discrepancies())
				.param("column", "discrepancy_id")
				.query(String.class)
				.optional()
				.ifPresent((sequence) -> lacking.add("USAGE on sequence " + sequence));
		}
		if (!lacking.isEmpty()) {
			String role = role();
			String grants = lacking.stream()
				.filter((l) -> l.matches("[A-Z]+ on (sequence )?\\S+"))
				.map((l) -> "GRANT " + l.replace(" on sequence ", " ON SEQUENCE ").replace(" on ", " ON ") + " TO "
						+ role + ";")
				.collect(Collectors.joining(" "));
			throw new MissingPrivilegeException("Cannot " + work.verb + " backfill '" + backfill.name() + "' as role "
					+ role + ": it lacks " + String.join(", ", lacking) + ". Run it as a role that may write them and "
					+ "Spring Batch's tables (the one that runs backfills)"
					+ (grants.isEmpty() ? "." : ", or grant them: " + grants));
		}
		return fit.shape();
	}

	/**
	 * Checks that Spring Batch's and the library's tables are there and readable.
	 * @throws BackfillException when a table is missing or out of date
	 * @throws MissingPrivilegeException when the role may not read them, or may not
	 * create the missing ones
	 */
	void checkRepository() {
		try {
			this.jobRepository.getJobInstances("-", 0, 1);
		}
		catch (DataAccessException ex) {
			String message = DefaultBackfillOperator.rootMessage(ex);
			if (MissingPrivilegeException.refused(ex)) {
				throw new MissingPrivilegeException("Role " + role() + " may not read Spring Batch's tables "
						+ "(BATCH_JOB_INSTANCE and others): " + message + ". Grant it SELECT on them, such as GRANT "
						+ "SELECT ON ALL TABLES IN SCHEMA public TO " + role() + ".");
			}
			String why = this.tables.whyRoleMayNotCreate();
			if (why != null) {
				throw new MissingPrivilegeException("Spring Batch's tables (BATCH_JOB_INSTANCE and others) are missing "
						+ "or unreadable: " + message + "; " + why + ". Create them as a role that may, with "
						+ "spring.batch.jdbc.initialize-schema=always, or apply "
						+ "org/springframework/batch/core/schema-postgresql.sql.");
			}
			throw new BackfillException("Spring Batch's tables (BATCH_JOB_INSTANCE and others) are missing or "
					+ "unreadable: " + message + ". Set spring.batch.jdbc.initialize-schema=always, or apply "
					+ "org/springframework/batch/core/schema-postgresql.sql.", ex);
		}
		List<String> missing = this.tables.missing();
		if (!missing.isEmpty()) {
			String tables = "table" + ((missing.size() > 1) ? "s " : " ") + String.join(", ", missing);
			String why = this.tables.whyRoleMayNotCreate();
			if (why != null) {
				throw new MissingPrivilegeException("Missing " + tables + ", and " + why + ". Create "
						+ ((missing.size() > 1) ? "them" : "it") + " as a role that may (with "
						+ "backfill.jdbc.initialize-schema=always), or apply dev/backfill/jdbc/schema-postgresql.sql.");
			}
			throw new BackfillException("Missing " + tables + ". Set backfill.jdbc.initialize-schema=always, or apply "
					+ "dev/backfill/jdbc/schema-postgresql.sql.");
		}
		if (!this.tables.logIsCurrent()) {
			throw new BackfillException("Table " + this.tables.log() + " predates this version: it lacks the columns "
					+ "ATTEMPT, OUTCOME, SQL_STATE and MESSAGE (0.1.0), FROM_INCLUDED and PARTITION_NO (0.2.0), or "
					+ "SCHEMA_NAME (0.3.0). Set " + "backfill.jdbc.initialize-schema=always, or apply the DO block of "
					+ "dev/backfill/jdbc/schema-postgresql.sql to it.");
		}
	}

	// every problem of a declaration; the statements planned one by one, those the role
	// may not plan set apart
	private Fit fit(Backfill backfill) {
		List<String> problems = new ArrayList<>();
		TableShape shape = inTransaction(backfill, () -> TableShape.inspect(this.jdbc, backfill, problems));
		List<Refused> refused = new ArrayList<>();
		if (shape != null) {
			// one database error that several statements meet (a typo in the pending
			// condition) is one problem
			Map<String, List<PlannedStatement>> failures = new LinkedHashMap<>();
			for (PlannedStatement statement : PlannedWork.statements(backfill, shape)) {
				try {
					String problem = inTransaction(backfill, () -> statement.plan().apply(this.jdbc));
					if (problem != null) {
						problems.add(problem);
					}
				}
				catch (DataAccessException ex) {
					if (MissingPrivilegeException.refused(ex)) {
						refused.add(new Refused(statement, error(ex)));
					}
					else {
						failures.computeIfAbsent(error(ex), (e) -> new ArrayList<>()).add(statement);
					}
				}
			}
			failures.forEach((error,
					statements) -> problems.add("its "
							+ statements.stream().map(PlannedStatement::what).collect(Collectors.joining(" and "))
							+ ((statements.size() > 1) ? " do" : " does") + " not fit table " + backfill.table() + ": "
							+ error + ". Correct "
							+ statements.stream()
								.flatMap((s) -> s.declaredBy().stream())
								.distinct()
								.collect(Collectors.joining(" or "))
							+ " in the declaration."));
		}
		return new Fit(shape, problems, refused);
	}

	// the privileges a role lacks to plan statements: on the backfill's table when that
	// is what it lacks, otherwise what the database said
	private List<String> lacking(Backfill backfill, List<Refused> refused) {
		Set<String> lacking = new LinkedHashSet<>();
		String table = TableName.of(backfill).sql();
		for (Refused r : refused) {
			String privilege = (r.statement().use() == Use.READ) ? "SELECT" : "UPDATE";
			List<String> onTable = lacking(table, privilege);
			lacking
				.addAll(onTable.isEmpty() ? List.of("what its " + r.statement().what() + " needs (" + r.error() + ")")
						: List.of(privilege + " on " + backfill.table()));
		}
		return List.copyOf(lacking);
	}

	private List<String> lacking(String table, String privilege) {
		boolean has = this.jdbc.sql(TABLE_PRIVILEGE)
			.param("table", table)
			.param("privilege", privilege)
			.query(Boolean.class)
			.single();
		return has ? List.of() : List.of(privilege + " on " + table.replace("\"", ""));
	}

	private String role() {
		return this.jdbc.sql(ROLE).query(String.class).single();
	}

	// rolled back, and never waiting long behind a migration's lock on the table; a
	// schema's walk plans its statements with its schema first on the search path
	private <T> @Nullable T inTransaction(Backfill backfill, Supplier<@Nullable T> work) {
		return this.transactions.execute((tx) -> {
			tx.setRollbackOnly();
			TenantSchemas.bindSearchPath(this.jdbc.sql(LOCK_TIMEOUT + TenantSchemas.searchPath(backfill)), backfill)
				.query()
				.listOfRows();
			return work.get();
		});
	}

	// PostgreSQL's message, without its "ERROR:" and position lines
	private static String error(Throwable ex) {
		String message = DefaultBackfillOperator.rootMessage(ex).lines().findFirst().orElse("");
		return message.startsWith("ERROR:") ? message.substring("ERROR:".length()).strip() : message;
	}

	/** What checking a declaration found. */
	private record Fit(@Nullable TableShape shape, List<String> problems, List<Refused> refused) {

		InvalidBackfillException invalid(Backfill backfill) {
			return InvalidBackfillException.of(backfill.name(), backfill.table(), this.problems);
		}

	}

	/** A statement the role may not plan, and what the database said. */
	private record Refused(PlannedStatement statement, String error) {
	}

}
