package dev.backfill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import dev.backfill.jdbc.SqlIdentifier;
import dev.backfill.jdbc.TableName;
import org.jspecify.annotations.Nullable;

/**
 * The declaration of one backfill: which table it walks, by which unique key, which rows
 * still need work, what one batch does, and how to undo it. Immutable; declare it as a
 * Spring bean:
 *
 * <pre>{@code
 * &#64;Bean
 * Backfill normalizeEmails() {
 *     return Backfill.sql("normalize-emails")
 *         .table("customers").key("id")
 *         .pending("email_normalized IS NULL")
 *         .update("""
 *             UPDATE customers SET email_normalized = lower(trim(email))
 *             WHERE id > :from AND id <= :to AND email_normalized IS NULL""")
 *         .rollback("UPDATE customers SET email_normalized = NULL WHERE id > :from AND id <= :to")
 *         .build();
 * }
 * }</pre>
 * <p>
 * A backfill is one of two forms, each a type of its own that holds what only that form
 * declares: a {@link SqlBackfill} ({@link #sql(String)}) runs one set-based statement per
 * batch, a {@link JavaBackfill} ({@link #java(String)}) processes the batch's rows in
 * Java. Each part is read back under the name of the builder method that declared it.
 *
 * @since 0.1.0
 */
public abstract sealed class Backfill permits SqlBackfill, JavaBackfill {

	/** Keys per batch when a declaration and the configuration name none. */
	public static final int DEFAULT_BATCH_SIZE = 5_000;

	/**
	 * Longest backfill name; the job repository keeps job names of up to 100 characters.
	 */
	public static final int MAX_NAME_LENGTH = 80;

	private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

	private final String name;

	private final String table;

	private final List<String> key;

	private final String pending;

	private final @Nullable String rollback;

	private final @Nullable String oneWay;

	private final int batchSize;

	private final int parallelism;

	private final Removal removeOldPath;

	private final List<String> after;

	private final @Nullable Schemas schemas;

	private final @Nullable String schema;

	/**
	 * Separates a backfill's name from a schema's in the name of its walk of that schema.
	 */
	public static final char SCHEMA_SEPARATOR = '@';

	/** The most partitions a run may be split into. */
	public static final int MAX_PARALLELISM = 256;

	/**
	 * Checks a parallelism, wherever it is given.
	 * @param name the backfill's name
	 * @param parallelism the number of partitions
	 * @throws InvalidBackfillException when out of range
	 * @since 0.2.0
	 */
	public static void checkParallelism(String name, int parallelism) {
		if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
			throw new InvalidBackfillException("Backfill '" + name + "': parallelism " + parallelism
					+ " must be from 1 to " + MAX_PARALLELISM + ", such as 4 (partitions walked side by side).");
		}
	}

	Backfill(Builder<?> builder) {
		this.name = builder.name;
		this.table = require(builder.table, builder.name, "table(...)");
		this.key = require(builder.key, builder.name, "key(...)");
		this.pending = require(builder.pending, builder.name, "pending(...)");
		this.rollback = builder.rollback;
		this.oneWay = builder.oneWay;
		this.batchSize = builder.batchSize;
		this.parallelism = builder.parallelism;
		this.removeOldPath = builder.removeOldPath;
		this.after = List.copyOf(builder.after);
		this.schemas = builder.schemas;
		this.schema = null;
		if (this.schemas != null && this.table.contains(".")) {
			throw new InvalidBackfillException("Backfill '" + this.name + "' runs over " + this.schemas
					+ " but names its table with a schema, " + this.table + ". Name the table alone, .table(\""
					+ this.table.substring(this.table.lastIndexOf('.') + 1) + "\"): each schema's own is walked.");
		}
		if (this.rollback == null && this.oneWay == null) {
			throw new InvalidBackfillException("Backfill '" + this.name + "' declares no rollback. Write the rollback "
					+ "before the migration: add .rollback(\"UPDATE ... WHERE key > :from AND key <= :to\"), or "
					+ ".oneWay(\"why it cannot be undone, and how to undo it by hand\").");
		}
		if (this.rollback != null && this.oneWay != null) {
			throw new InvalidBackfillException("Backfill '" + this.name + "' declares both .rollback(...) and "
					+ ".oneWay(...): it either can be undone or cannot. Keep .rollback(...) if its statement undoes a "
					+ "batch, or .oneWay(...) if nothing can, and remove the other.");
		}
	}

	// the declaration as it runs in one of its schemas
	Backfill(Backfill base, String schema) {
		this.name = base.name + SCHEMA_SEPARATOR + schema;
		this.table = schema + "." + base.table;
		this.key = base.key;
		this.pending = base.pending;
		this.rollback = base.rollback;
		this.oneWay = base.oneWay;
		this.batchSize = base.batchSize;
		this.parallelism = base.parallelism;
		this.removeOldPath = base.removeOldPath;
		this.after = base.after;
		this.schemas = null;
		this.schema = schema;
	}

	/**
	 * Starts a backfill whose batches run one set-based SQL statement over the key range
	 * {@code (:from, :to]}.
	 * @param name the backfill's name, also the name of its Spring Batch job: lower-case
	 * letters, digits, '.', '_' and '-'
	 * @return a builder
	 * @throws InvalidBackfillException when the name is not valid
	 */
	public static SqlBuilder sql(String name) {
		return new SqlBuilder(validName(name));
	}

	/**
	 * Starts a backfill whose batches read the pending rows of a key range, process them
	 * in Java and write the new values back in one statement, in the same transaction.
	 * @param name the backfill's name, also the name of its Spring Batch job
	 * @return a builder
	 * @throws InvalidBackfillException when the name is not valid
	 */
	public static JavaBuilder java(String name) {
		return new JavaBuilder(validName(name));
	}

	/**
	 * @return the name, also the Spring Batch job name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * @return the table the backfill walks, as declared with
	 * {@link Builder#table(String)}: {@code "orders"} or schema-qualified,
	 * {@code "billing.orders"}
	 */
	public String table() {
		return this.table;
	}

	/**
	 * @return the key as a person reads it: its column ({@code id}), or its columns in
	 * order ({@code (tenant_id, id)})
	 */
	public String key() {
		return (this.key.size() == 1) ? this.key.get(0) : "(" + String.join(", ", this.key) + ")";
	}

	/**
	 * @return the key's columns in order: one, or the columns of a composite key
	 * @since 0.3.0
	 */
	public List<String> keyColumns() {
		return this.key;
	}

	/**
	 * @return the SQL condition that holds for rows that still need work
	 */
	public String pending() {
		return this.pending;
	}

	/**
	 * @return the rollback statement over {@code (:from, :to]}, or {@code null} for a
	 * one-way backfill
	 */
	public @Nullable String rollback() {
		return this.rollback;
	}

	/**
	 * @return why the backfill cannot be rolled back and how to undo it by hand, or
	 * {@code null} when it declares a {@link #rollback()}
	 */
	public @Nullable String oneWay() {
		return this.oneWay;
	}

	/**
	 * @return keys per batch declared here, or 0 to use the configured default
	 */
	public int batchSize() {
		return this.batchSize;
	}

	/**
	 * @return how many partitions a new run is split into, walked side by side: 1 (the
	 * default) for one walk in one thread
	 * @since 0.2.0
	 */
	public int parallelism() {
		return this.parallelism;
	}

	/**
	 * @return when to remove the backfill and its old path once it is done:
	 * {@link Removal#DEFAULT} unless declared with
	 * {@link Builder#removeOldPath(Duration, String)}
	 */
	public Removal removeOldPath() {
		return this.removeOldPath;
	}

	/**
	 * @return the backfills that must have completed before this one runs, in the order
	 * declared; empty when it runs on its own
	 * @since 0.3.0
	 */
	public List<String> after() {
		return this.after;
	}

	/**
	 * @return the schemas this declaration runs over, one walk each; {@code null} for a
	 * backfill of one table
	 * @since 0.3.0
	 */
	public @Nullable Schemas schemas() {
		return this.schemas;
	}

	/**
	 * @return for the walk of one schema of a declaration over {@link #schemas()}, that
	 * schema: its statements run with it first on the {@code search_path}; otherwise
	 * {@code null}
	 * @since 0.3.0
	 */
	public @Nullable String schema() {
		return this.schema;
	}

	/**
	 * The declaration as it runs in one of its schemas: named {@code name@schema}, over
	 * the schema's table, with the schema first on the {@code search_path} of every
	 * transaction that runs its statements.
	 * @param schema the schema
	 * @return the walk of that schema
	 * @throws InvalidBackfillException when this declaration runs over no schemas, or the
	 * schema's name is not a valid identifier
	 * @since 0.3.0
	 */
	public Backfill inSchema(String schema) {
		if (this.schemas == null) {
			throw new InvalidBackfillException("Backfill '" + this.name + "' runs over one table, " + this.table
					+ ", not over schemas. Name it alone, or declare .schemas(\"tenant_*\") to run it per schema.");
		}
		SqlIdentifier.check(schema, this.name, "schema");
		if (this.schemas.pattern() != null && !this.schemas.includes(schema)) {
			throw new InvalidBackfillException("Backfill '" + this.name + "' runs over the schemas " + this.schemas
					+ ", and schema " + schema + " does not match. Name one of its schemas, as 'backfill status "
					+ this.name + "' lists them.");
		}
		if (this.name.length() + 1 + schema.length() > MAX_NAME_LENGTH) {
			throw new InvalidBackfillException("Backfill '" + this.name + "': the walk of schema " + schema
					+ " would be named '" + this.name + SCHEMA_SEPARATOR + schema + "', longer than " + MAX_NAME_LENGTH
					+ " characters, which the job repository's names do not hold with their "
					+ "suffixes. Give the backfill a shorter name.");
		}
		return copy(schema);
	}

	abstract Backfill copy(String schema);

	@Override
	public String toString() {
		String form = (this instanceof SqlBackfill) ? "SQL" : "JAVA";
		return "Backfill '" + this.name + "' (" + form + " on " + this.table + " by " + key() + ")";
	}

	private static String validName(String name) {
		Objects.requireNonNull(name, "name");
		if (!NAME.matcher(name).matches() || name.length() > MAX_NAME_LENGTH) {
			throw new InvalidBackfillException("Backfill name '" + name + "' is not valid: use lower-case letters, "
					+ "digits, '.', '_' and '-', starting with a letter or digit, at most " + MAX_NAME_LENGTH
					+ " characters, such as 'normalize-emails'.");
		}
		return name;
	}

	private static <T> T require(@Nullable T value, String name, String call) {
		if (value == null) {
			throw new InvalidBackfillException(
					"Backfill '" + name + "' is incomplete: add ." + call + " to its declaration.");
		}
		return value;
	}

	private static String rangeStatement(String name, String what, String sql) {
		if (!sql.contains(":from") || !sql.contains(":to")) {
			throw new InvalidBackfillException("Backfill '" + name + "': the " + what + " statement must limit itself "
					+ "to the batch's key range with the parameters :from (exclusive) and :to (inclusive), such as "
					+ "WHERE id > :from AND id <= :to.");
		}
		return sql;
	}

	/**
	 * What both forms declare.
	 *
	 * @param <B> the concrete builder
	 * @since 0.1.0
	 */
	public abstract static sealed class Builder<B extends Builder<B>> permits SqlBuilder, JavaBuilder {

		final String name;

		@Nullable String table;

		@Nullable List<String> key;

		@Nullable String pending;

		@Nullable Schemas schemas;

		@Nullable String rollback;

		@Nullable String oneWay;

		int batchSize;

		int parallelism = 1;

		Removal removeOldPath = Removal.DEFAULT;

		final Set<String> after = new LinkedHashSet<>();

		Builder(String name) {
			this.name = name;
		}

		/**
		 * The table to walk, optionally schema-qualified ({@code "billing.orders"}).
		 * Names are matched exactly as written (they are quoted).
		 * @param table the table name
		 * @return this builder
		 * @throws InvalidBackfillException when the name is not a valid identifier
		 */
		public B table(String table) {
			TableName.parse(table, this.name);
			this.table = table;
			return self();
		}

		/**
		 * The key to walk in order: one column, or the columns of a composite key such as
		 * {@code .key("tenant_id", "id")}. Each column is NOT NULL, of an integer, text
		 * or uuid type, and a unique index covers exactly these columns in this order (a
		 * primary key will do). Statements over a composite key compare it as a row
		 * value, {@code WHERE (tenant_id, id) > :from AND (tenant_id, id) <= :to}, and
		 * {@code :from} and {@code :to} stand for rows of bound values.
		 * @param columns the key column, or the columns of a composite key in the index's
		 * order
		 * @return this builder
		 * @throws InvalidBackfillException when a name is not a valid identifier, none is
		 * given, or one is given twice
		 */
		public B key(String... columns) {
			if (columns.length == 0) {
				throw new InvalidBackfillException("Backfill '" + this.name + "': .key() names no column. Name the key "
						+ "column, .key(\"id\"), or the columns of a composite key, .key(\"tenant_id\", \"id\").");
			}
			List<String> checked = new ArrayList<>();
			for (String column : columns) {
				String name = SqlIdentifier.check(column, this.name, "key column");
				if (checked.contains(name)) {
					throw new InvalidBackfillException("Backfill '" + this.name + "': .key(...) names column " + name
							+ " twice. Name each column of the key once, in the unique index's order.");
				}
				checked.add(name);
			}
			this.key = List.copyOf(checked);
			return self();
		}

		/**
		 * The SQL condition that holds for rows that still need work, such as
		 * {@code email_normalized IS NULL}. It measures the remaining work and keeps the
		 * Java form idempotent.
		 * @param condition a boolean SQL expression over the table's columns, without
		 * parameters
		 * @return this builder
		 */
		public B pending(String condition) {
			this.pending = Objects.requireNonNull(condition, "condition");
			return self();
		}

		/**
		 * The statement that undoes one batch, over the same {@code (:from, :to]} range.
		 * @param sql the rollback statement
		 * @return this builder
		 * @throws InvalidBackfillException when the statement does not use {@code :from}
		 * and {@code :to}
		 */
		public B rollback(String sql) {
			this.rollback = rangeStatement(this.name, "rollback", Objects.requireNonNull(sql, "sql"));
			return self();
		}

		/**
		 * Declares that the backfill cannot be rolled back, instead of a
		 * {@link #rollback(String) rollback}.
		 * @param reason why, and how to undo it by hand
		 * @return this builder
		 */
		public B oneWay(String reason) {
			this.oneWay = Objects.requireNonNull(reason, "reason");
			return self();
		}

		/**
		 * Keys per batch for this backfill, overriding the configured default.
		 * @param batchSize a positive number of keys
		 * @return this builder
		 * @throws InvalidBackfillException when not positive
		 */
		public B batchSize(int batchSize) {
			if (batchSize <= 0) {
				throw new InvalidBackfillException(
						"Backfill '" + this.name + "': batch size " + batchSize + " must be positive, such as 5000.");
			}
			this.batchSize = batchSize;
			return self();
		}

		/**
		 * Splits a new run into this many partitions of about equal pending rows, walked
		 * side by side (threads of one process, or worker processes with
		 * {@code backfill run NAME --remote}), each with its own checkpoint; the
		 * configuration ({@code backfill.jobs.NAME.parallelism}) and the command line
		 * ({@code --parallelism}) override it.
		 * @param parallelism from 1 (one walk, the default) to {@value #MAX_PARALLELISM}
		 * @return this builder
		 * @throws InvalidBackfillException when out of range
		 * @since 0.2.0
		 */
		public B parallelism(int parallelism) {
			checkParallelism(this.name, parallelism);
			this.parallelism = parallelism;
			return self();
		}

		/**
		 * When to remove the backfill and the old path it replaced, once its run
		 * completed and a verify passed; by default {@link Removal#DEFAULT 30 days} after
		 * the verify.
		 * @param after how long after the passing verify
		 * @param what what to remove, such as {@code "drop column customers.email"}
		 * @return this builder
		 * @throws InvalidBackfillException when {@code after} is negative or {@code what}
		 * is blank
		 */
		public B removeOldPath(Duration after, String what) {
			this.removeOldPath = new Removal(Objects.requireNonNull(after, "after"),
					Objects.requireNonNull(what, "what"));
			return self();
		}

		/**
		 * Runs the declaration over every schema whose name matches a pattern, for an
		 * application with one schema per tenant: {@code .schemas("tenant_*")}. Each
		 * schema's table of that name is walked as a backfill of its own, named
		 * {@code name@schema}, one schema after another in name order; the statements
		 * name the table alone, and run with the schema first on the {@code search_path}.
		 * Schemas are matched again at each run, so one added later is picked up by the
		 * next.
		 * @param pattern the schema names to match, {@code *} for any characters and
		 * {@code ?} for one
		 * @return this builder
		 * @throws InvalidBackfillException when the pattern holds other characters than
		 * an identifier's, {@code *} and {@code ?}
		 * @since 0.3.0
		 */
		public B schemas(String pattern) {
			this.schemas = Schemas.matching(this.name, pattern);
			return self();
		}

		/**
		 * Runs the declaration over the schemas a bean of the application lists, such as
		 * a tenant registry: {@code .schemas(() -> tenants.schemaNames())}. The list is
		 * asked again at each run, so a tenant added later is picked up by the next one;
		 * schemas run in name order.
		 * @param schemas what lists the schemas
		 * @return this builder
		 * @since 0.3.0
		 */
		public B schemas(Supplier<? extends Collection<String>> schemas) {
			this.schemas = new Schemas(null, Objects.requireNonNull(schemas, "schemas"));
			return self();
		}

		/**
		 * Backfills that must have completed before this one runs: it reads what they
		 * write. A run refuses, naming the one not done and its state, until each one's
		 * latest run completed; unknown names and cycles are refused when the
		 * declarations are collected, at the application's start.
		 * @param backfills the names of the backfills this one runs after
		 * @return this builder
		 * @throws InvalidBackfillException when a name is not a valid backfill name, or
		 * is this backfill's own
		 * @since 0.3.0
		 */
		public B after(String... backfills) {
			for (String other : backfills) {
				if (other == null || !NAME.matcher(other).matches()) {
					throw new InvalidBackfillException("Backfill '" + this.name + "': .after(\"" + other
							+ "\") names no backfill: a backfill name is lower-case letters, digits, '.', '_' and "
							+ "'-', such as .after(\"normalize-emails\").");
				}
				if (other.equals(this.name)) {
					throw new InvalidBackfillException("Backfill '" + this.name
							+ "' runs .after(...) itself: name the backfills whose writes it reads.");
				}
				this.after.add(other);
			}
			return self();
		}

		/**
		 * Builds the declaration.
		 * @return the backfill
		 * @throws InvalidBackfillException when a required part is missing, or when it
		 * declares both a rollback and {@code oneWay}, or neither
		 */
		public abstract Backfill build();

		@SuppressWarnings("unchecked")
		private B self() {
			return (B) this;
		}

	}

	/**
	 * Builds a {@link SqlBackfill}.
	 *
	 * @since 0.1.0
	 */
	public static final class SqlBuilder extends Builder<SqlBuilder> {

		private @Nullable String update;

		private @Nullable String verify;

		SqlBuilder(String name) {
			super(name);
		}

		/**
		 * The statement {@code backfill verify} runs per key range {@code (:from, :to]}:
		 * it returns the keys of rows whose new value is wrong, optionally with a second
		 * column saying what is wrong. Without it, verify checks only that no row is
		 * still pending.
		 * @param sql the statement, such as
		 * {@code SELECT id, 'email_normalized is ' || email_normalized FROM customers
		 * WHERE id > :from AND id <= :to AND email_normalized IS DISTINCT FROM lower(trim(email))}
		 * @return this builder
		 * @throws InvalidBackfillException when the statement does not use {@code :from}
		 * and {@code :to}
		 */
		public SqlBuilder verify(String sql) {
			this.verify = rangeStatement(this.name, "verify", Objects.requireNonNull(sql, "sql"));
			return this;
		}

		/**
		 * The set-based statement one batch runs, bound to the key range
		 * {@code (:from, :to]}. Make it idempotent: repeat the pending condition in its
		 * WHERE clause.
		 * @param sql the statement
		 * @return this builder
		 * @throws InvalidBackfillException when the statement does not use {@code :from}
		 * and {@code :to}
		 */
		public SqlBuilder update(String sql) {
			this.update = rangeStatement(this.name, "update", Objects.requireNonNull(sql, "sql"));
			return this;
		}

		@Override
		public SqlBackfill build() {
			return new SqlBackfill(this, require(this.update, this.name, "update(...)"), this.verify);
		}

	}

	/**
	 * Builds a {@link JavaBackfill}.
	 *
	 * @since 0.1.0
	 */
	public static final class JavaBuilder extends Builder<JavaBuilder> {

		private List<String> read = List.of();

		private List<String> write = List.of();

		private @Nullable RowProcessor process;

		private @Nullable RowCheck verify;

		JavaBuilder(String name) {
			super(name);
		}

		/**
		 * The check {@code backfill verify} runs on every row, with the columns read and
		 * written. Without it, verify checks only that no row is still pending.
		 * @param check compares a row's source and target columns
		 * @return this builder
		 */
		public JavaBuilder verify(RowCheck check) {
			this.verify = Objects.requireNonNull(check, "check");
			return this;
		}

		/**
		 * The columns the processor reads.
		 * @param columns column names
		 * @return this builder
		 * @throws InvalidBackfillException when a name is not a valid identifier
		 */
		public JavaBuilder read(String... columns) {
			this.read = List.of(columns).stream().map((c) -> SqlIdentifier.check(c, this.name, "read column")).toList();
			return this;
		}

		/**
		 * The columns the processor sets; they are written by key in one statement per
		 * batch, only where the pending condition still holds.
		 * @param columns column names
		 * @return this builder
		 * @throws InvalidBackfillException when a name is not a valid identifier
		 */
		public JavaBuilder write(String... columns) {
			this.write = List.of(columns)
				.stream()
				.map((c) -> SqlIdentifier.check(c, this.name, "write column"))
				.toList();
			return this;
		}

		/**
		 * The Java step, called for each pending row of a batch.
		 * @param processor the processor
		 * @return this builder
		 */
		public JavaBuilder process(RowProcessor processor) {
			this.process = Objects.requireNonNull(processor, "processor");
			return this;
		}

		@Override
		public JavaBackfill build() {
			if (this.write.isEmpty()) {
				throw new InvalidBackfillException("Backfill '" + this.name
						+ "' is incomplete: add .write(\"column\", ...) " + "naming the columns its processor sets.");
			}
			return new JavaBackfill(this, this.read, this.write,
					require(this.process, this.name, "process(row -> ...)"), this.verify);
		}

	}

}
