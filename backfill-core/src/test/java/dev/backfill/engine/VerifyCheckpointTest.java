package dev.backfill.engine;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A verify's checkpoint in its step's context, under the keys earlier releases wrote.
 */
class VerifyCheckpointTest {

	@Test
	void movesWithEachBatchAndReadsBackFromTheKeysItAlwaysHad() {
		ExecutionContext context = new ExecutionContext();
		VerifyCheckpoint.START.next("1000", 1_000, 3).next("2000", 1_000, 2).writeTo(context);
		assertThat(context.entrySet()).extracting(Map.Entry::getKey, Map.Entry::getValue)
			.containsExactlyInAnyOrder(tuple("backfill.verify.lastKey", "2000"),
					tuple("backfill.verify.keysChecked", 2_000L), tuple("backfill.verify.discrepancies", 5L));
		assertThat(VerifyCheckpoint.from(context)).isEqualTo(new VerifyCheckpoint("2000", 2_000, 5));
	}

	@Test
	void aStepThatCheckedNothingIsAtTheStart() {
		assertThat(VerifyCheckpoint.from(new ExecutionContext())).isEqualTo(VerifyCheckpoint.START);
		ExecutionContext context = new ExecutionContext();
		VerifyCheckpoint.START.writeTo(context);
		assertThat(context.containsKey("backfill.verify.lastKey")).isFalse();
		assertThat(VerifyCheckpoint.from(context)).isEqualTo(VerifyCheckpoint.START);
	}

}
