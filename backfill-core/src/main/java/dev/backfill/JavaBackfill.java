package dev.backfill;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A backfill whose batches read the pending rows of their key range, process each in Java
 * and write the new values back in one statement; declared with
 * {@link Backfill#java(String)}.
 *
 * @since 0.1.0
 */
public final class JavaBackfill extends Backfill {

	private final List<String> read;

	private final List<String> write;

	private final RowProcessor process;

	private final @Nullable RowCheck verify;

	JavaBackfill(Backfill.JavaBuilder builder, List<String> read, List<String> write, RowProcessor process,
			@Nullable RowCheck verify) {
		super(builder);
		this.read = List.copyOf(read);
		this.write = List.copyOf(write);
		this.process = Objects.requireNonNull(process, "process");
		this.verify = verify;
	}

	private JavaBackfill(JavaBackfill base, String schema) {
		super(base, schema);
		this.read = base.read;
		this.write = base.write;
		this.process = base.process;
		this.verify = base.verify;
	}

	@Override
	JavaBackfill copy(String schema) {
		return new JavaBackfill(this, schema);
	}

	/**
	 * @return the columns the processor reads, as declared with
	 * {@link Backfill.JavaBuilder#read(String...)}; possibly none
	 */
	public List<String> read() {
		return this.read;
	}

	/**
	 * @return the columns the processor sets, as declared with
	 * {@link Backfill.JavaBuilder#write(String...)}; at least one
	 */
	public List<String> write() {
		return this.write;
	}

	/**
	 * @return the Java step called for each pending row, as declared with
	 * {@link Backfill.JavaBuilder#process(RowProcessor)}
	 */
	public RowProcessor process() {
		return this.process;
	}

	/**
	 * @return the check {@code backfill verify} runs on every row, as declared with
	 * {@link Backfill.JavaBuilder#verify(RowCheck)}; or {@code null} when verify checks
	 * only that no row is still pending
	 */
	public @Nullable RowCheck verify() {
		return this.verify;
	}

}
