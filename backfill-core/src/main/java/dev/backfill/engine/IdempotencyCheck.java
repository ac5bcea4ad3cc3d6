package dev.backfill.engine;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.backfill.Estimate;
import dev.backfill.KeyRange;
import dev.backfill.jdbc.RangeStatement;
import dev.backfill.jdbc.SqlIdentifier;
import dev.backfill.jdbc.TableKey;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The dry-run's idempotency check: it applies the first sampled batch that had pending
 * rows twice, in one savepoint that is rolled back, and compares the range's rows after
 * each time. A batch retried, or resumed after a crash, is applied twice in the same way.
 *
 * @param work the backfill's batch work
 * @param jdbc the connection of the dry-run's transaction
 * @param savepoint nested transactions in it, each rolled back
 * @param checksum the statement that sums up a range's rows
 * @param lockRange the statement that locks a range's rows and lists their keys
 */
record IdempotencyCheck(BatchWork work, JdbcClient jdbc, TransactionTemplate savepoint, RangeStatement checksum,
		RangeStatement lockRange) {

	/**
	 * @param shape the table's shape
	 * @param work the backfill's batch work
	 * @param jdbc the connection of the dry-run's transaction
	 * @param savepoint nested transactions in it, each rolled back
	 * @return the check
	 */
	static IdempotencyCheck of(TableShape shape, BatchWork work, JdbcClient jdbc, TransactionTemplate savepoint) {
		String key = shape.keySql();
		String table = shape.table().sql();
		String range = key + " > :from AND " + key + " <= :to";
		// the whole row: the written columns, and whatever a trigger sets with them
		List<String> columns = shape.key().columns().stream().map(SqlIdentifier::quote).toList();
		String text = TableKey.text(columns);
		String order = shape.key().order(false);
		RangeStatement checksum = RangeStatement.of("SELECT md5(string_agg(md5(CAST(r AS text)), '' ORDER BY " + order
				+ ")) FROM " + table + " r WHERE " + range + " AND " + text + " = ANY(:keys)");
		RangeStatement lockRange = RangeStatement
			.of("SELECT " + text + " FROM " + table + " WHERE " + range + " ORDER BY " + order + " FOR SHARE");
		return new IdempotencyCheck(work, jdbc, savepoint, checksum, lockRange);
	}

	/**
	 * Applies a sampled batch that had a pending row twice; the second time must leave
	 * the rows as the first left them.
	 * @param samples the sampled batches, in key order
	 * @return the outcome, {@link Outcome#UNCHECKED} when no sample had a pending row
	 */
	Outcome check(List<Estimate.Sample> samples) {
		Optional<Estimate.Sample> tried = samples.stream().filter((s) -> s.rows() > 0).findFirst();
		if (tried.isEmpty()) {
			return Outcome.UNCHECKED;
		}
		KeyRange range = tried.get().range();
		return Objects.requireNonNull(this.savepoint.execute((status) -> {
			// the range's rows, locked: traffic cannot change them between the two
			// checksums, and rows inserted in the range meanwhile are not counted
			String[] keys = this.jdbc.sql(this.lockRange.sql(range))
				.param("from", TableKey.param(range.from()))
				.param("to", TableKey.param(range.to()))
				.query(String.class)
				.list()
				.toArray(String[]::new);
			long walBefore = BatchSampler.walPosition(this.jdbc);
			long once = this.work.apply(this.jdbc, range);
			String afterOnce = checksum(range, keys);
			long again = this.work.apply(this.jdbc, range);
			long walBytes = BatchSampler.walPosition(this.jdbc) - walBefore;
			String afterTwice = checksum(range, keys);
			status.setRollbackOnly();
			return new Outcome(Objects.equals(afterOnce, afterTwice), range, again, once + again, walBytes);
		}));
	}

	private @Nullable String checksum(KeyRange range, String[] keys) {
		return this.jdbc.sql(this.checksum.sql(range))
			.param("from", TableKey.param(range.from()))
			.param("to", TableKey.param(range.to()))
			.param("keys", keys)
			.query(String.class)
			.single();
	}

	/**
	 * What the check found, and what it wrote (rolled back).
	 *
	 * @param idempotent whether the second time left the rows as the first, or
	 * {@code null} when not checked
	 * @param range the range checked, or {@code null}
	 * @param rewritten rows the second time wrote again
	 * @param rowsWritten rows both times wrote
	 * @param walBytes WAL both times wrote
	 */
	record Outcome(@Nullable Boolean idempotent, @Nullable KeyRange range, long rewritten, long rowsWritten,
			long walBytes) {

		static final Outcome UNCHECKED = new Outcome(null, null, 0, 0, 0);

		/**
		 * @return what the user should act on, if anything
		 */
		Optional<String> warning() {
			if (this.idempotent == null) {
				return Optional.of("No sampled batch had a pending row, so idempotency was not checked.");
			}
			if (!this.idempotent) {
				return Optional.of("NOT IDEMPOTENT: applying the batch " + this.range + " a second time changed its "
						+ "rows again. A batch retried or resumed after a crash would change them twice: make the "
						+ "statement write only rows that match the pending predicate, with values that do not depend "
						+ "on the ones it wrote.");
			}
			if (this.rewritten > 0) {
				return Optional.of(String.format("Applying the batch %s a second time wrote %,d rows again, with the "
						+ "same values: add the pending predicate to the statement's WHERE so a resumed batch writes "
						+ "nothing.", this.range, this.rewritten));
			}
			return Optional.empty();
		}

	}

}
