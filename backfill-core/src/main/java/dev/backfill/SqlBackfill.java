package dev.backfill;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A backfill whose batches run one set-based SQL statement over their key range
 * {@code (:from, :to]}; declared with {@link Backfill#sql(String)}.
 *
 * @since 0.1.0
 */
public final class SqlBackfill extends Backfill {

	private final String update;

	private final @Nullable String verify;

	SqlBackfill(Backfill.SqlBuilder builder, String update, @Nullable String verify) {
		super(builder);
		this.update = Objects.requireNonNull(update, "update");
		this.verify = verify;
	}

	private SqlBackfill(SqlBackfill base, String schema) {
		super(base, schema);
		this.update = base.update;
		this.verify = base.verify;
	}

	@Override
	SqlBackfill copy(String schema) {
		return new SqlBackfill(this, schema);
	}

	/**
	 * @return the statement one batch runs, as declared with
	 * {@link Backfill.SqlBuilder#update(String)}
	 */
	public String update() {
		return this.update;
	}

	/**
	 * @return the statement {@code backfill verify} runs per key range, returning the
	 * keys of wrong rows, as declared with {@link Backfill.SqlBuilder#verify(String)}; or
	 * {@code null} when verify checks only that no row is still pending
	 */
	public @Nullable String verify() {
		return this.verify;
	}

}
